package com.dcmms.telemetry.job.records;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a dead letter as the JSON envelope of the design: error code and message, the source
 * topic/partition/offset, Kafka timestamp, time rejected, and the payload as text, or as base64
 * when it is not UTF-8. A payload cut to a bounded prefix says so with payload_truncated.
 */
public final class DeadLetterSerializer
    implements KafkaRecordSerializationSchema<DeadLetter>, SingleTopic {
  private static final long serialVersionUID = 1L;
  private final String topic;
  private transient JsonFactory json;
  private transient ByteArrayBuilder buffer;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter d, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(topic, null, null, null, toJson(d));
  }

  /** The envelope's bytes. */
  public byte[] toJson(DeadLetter d) {
    if (json == null) {
      json = new JsonFactory();
      buffer = new ByteArrayBuilder(1024);
    }
    buffer.reset();
    try (JsonGenerator g = json.createGenerator(buffer, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("error_code", d.errorCode);
      g.writeStringField("error_message", d.errorMessage);
      g.writeStringField("source_topic", d.sourceTopic);
      g.writeNumberField("source_partition", d.sourcePartition);
      g.writeNumberField("source_offset", d.sourceOffset);
      g.writeNumberField("kafka_timestamp", d.kafkaTimestamp);
      g.writeNumberField("rejected_at", d.rejectedAt);
      g.writeNumberField("payload_size", d.payloadSize);
      g.writeBooleanField("payload_truncated", d.payload.length < d.payloadSize);
      String text = utf8Text(d.payload, d.payload.length < d.payloadSize);
      if (text != null) {
        g.writeStringField("payload", text);
      } else {
        g.writeStringField("payload_base64", Base64.getEncoder().encodeToString(d.payload));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return buffer.toByteArray();
  }

  /** The payload as text, or null when it is not UTF-8 (a cut last character is dropped). */
  static String utf8Text(byte[] payload, boolean truncated) {
    int end = payload.length;
    if (truncated) {
      // Back off to the start of a possibly cut multi-byte character.
      int i = end - 1;
      while (i >= 0 && end - i < 4 && (payload[i] & 0xC0) == 0x80) {
        i--;
      }
      if (i >= 0 && (payload[i] & 0x80) != 0) {
        end = i;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(payload, 0, end))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
