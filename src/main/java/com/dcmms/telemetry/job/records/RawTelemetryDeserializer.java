package com.dcmms.telemetry.job.records;

import com.dcmms.telemetry.job.rules.EventValidator;
import com.dcmms.telemetry.job.rules.RejectedRecordException;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns each raw Kafka record into a reading or a dead letter. It never throws for bad input, so a
 * malformed record can never fail the job.
 */
public final class RawTelemetryDeserializer
    implements KafkaRecordDeserializationSchema<ParsedRecord> {
  private static final long serialVersionUID = 1L;

  /** Dead letters keep at most this much of the payload, so that they fit Kafka's record limit. */
  public static final int MAX_DEAD_LETTER_PAYLOAD = 64 * 1024;

  private final EventValidator validator;

  public RawTelemetryDeserializer(EventValidator validator) {
    this.validator = validator;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
    long now = System.currentTimeMillis();
    try {
      out.collect(ParsedRecord.of(validator.validate(record.value(), now)));
    } catch (RejectedRecordException e) {
      out.collect(ParsedRecord.of(deadLetter(record, e, now)));
    }
  }

  static DeadLetter deadLetter(
      ConsumerRecord<byte[], byte[]> record, RejectedRecordException e, long now) {
    DeadLetter d = new DeadLetter();
    d.errorCode = e.reason().name();
    d.errorMessage = e.getMessage();
    d.sourceTopic = record.topic();
    d.sourcePartition = record.partition();
    d.sourceOffset = record.offset();
    d.kafkaTimestamp = record.timestamp();
    d.rejectedAt = now;
    byte[] payload = record.value() == null ? new byte[0] : record.value();
    d.payloadSize = payload.length;
    d.payload =
        payload.length <= MAX_DEAD_LETTER_PAYLOAD
            ? payload
            : Arrays.copyOf(payload, MAX_DEAD_LETTER_PAYLOAD);
    return d;
  }

  @Override
  public TypeInformation<ParsedRecord> getProducedType() {
    return TypeInformation.of(ParsedRecord.class);
  }
}
