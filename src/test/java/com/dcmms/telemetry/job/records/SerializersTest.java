package com.dcmms.telemetry.job.records;

import static com.dcmms.telemetry.job.records.RawTelemetryDeserializer.MAX_DEAD_LETTER_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.rules.EventValidator;
import com.dcmms.telemetry.job.rules.SensorTypes;
import com.dcmms.telemetry.testkit.Events;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the job reads from and writes to Kafka: validated_telemetry, telemetry_dlq, raw input. */
class SerializersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T = 1_700_000_000_000L;

  // --- validated_telemetry --------------------------------------------------------------------

  @Test
  void writesEveryContractFieldInSnakeCase() throws Exception {
    JsonNode json =
        JSON.readTree(new ValidatedTelemetrySerializer("validated_telemetry").toJson(reading()));

    assertThat(fieldNames(json))
        .containsExactly(
            "event_id",
            "timestamp",
            "site_id",
            "asset_id",
            "sensor_id",
            "sensor_type",
            "value",
            "unit",
            "quality_flag",
            "metadata",
            "source",
            "schema_version",
            "processed_at");
    assertThat(json.get("event_id").asText()).isEqualTo("evt-0001");
    assertThat(json.get("timestamp").isIntegralNumber()).isTrue();
    assertThat(json.get("timestamp").asLong()).isEqualTo(T);
    assertThat(json.get("site_id").asText()).isEqualTo("site-1");
    assertThat(json.get("asset_id").asText()).isEqualTo("inverter-7");
    assertThat(json.get("sensor_id").asText()).isEqualTo("temp-3");
    assertThat(json.get("sensor_type").asText()).isEqualTo("TEMPERATURE");
    assertThat(json.get("value").isNumber()).isTrue();
    assertThat(json.get("value").asDouble()).isEqualTo(42.5);
    assertThat(json.get("unit").asText()).isEqualTo("celsius");
    assertThat(json.get("quality_flag").asText()).isEqualTo("OUT_OF_RANGE");
    assertThat(json.get("source").asText()).isEqualTo("MODBUS");
    assertThat(json.get("schema_version").asText()).isEqualTo("1.0.0");
    assertThat(json.get("processed_at").asLong()).isEqualTo(T + 250);
  }

  @Test
  void bothSinksNameTheirOneTopicSoThatLeftOverTransactionsCanBeListed() {
    for (SingleTopic serializer :
        List.of(
            new ValidatedTelemetrySerializer("validated_telemetry"),
            new DeadLetterSerializer("telemetry_dlq"))) {
      assertThat(serializer.getKafkaDatasetFacet())
          .get()
          .satisfies(
              f ->
                  assertThat(f.getTopicIdentifier().getTopics())
                      .containsExactly(serializer.topic()));
    }
    assertThat(new DeadLetterSerializer("telemetry_dlq").topic()).isEqualTo("telemetry_dlq");
  }

  @Test
  void writesMetadataAsNestedObject() throws Exception {
    JsonNode json =
        JSON.readTree(new ValidatedTelemetrySerializer("validated_telemetry").toJson(reading()));

    assertThat(json.get("metadata").isObject()).isTrue();
    assertThat(JSON.convertValue(json.get("metadata"), Map.class))
        .isEqualTo(Map.of("firmware", "2.4.1", "note", "a \"quoted\" é"));
  }

  @Test
  void omitsMetadataWhenTheEventHadNone() throws Exception {
    TelemetryReading r = reading();
    r.metadataJson = null;

    JsonNode json =
        JSON.readTree(new ValidatedTelemetrySerializer("validated_telemetry").toJson(r));

    assertThat(json.has("metadata")).isFalse();
    assertThat(json.size()).isEqualTo(12);
  }

  @Test
  void writesEachRecordWholeAndAloneWhenOneSerializerWritesMany() throws Exception {
    ValidatedTelemetrySerializer serializer =
        new ValidatedTelemetrySerializer("validated_telemetry");
    TelemetryReading first = reading();
    TelemetryReading second = reading();
    second.eventId = "e-2";
    second.value = 0.1 + 0.2;
    second.metadataJson = null;

    byte[] a = serializer.toJson(first);
    byte[] b = serializer.toJson(second);

    assertThat(a).isEqualTo(new ValidatedTelemetrySerializer("validated_telemetry").toJson(first));
    JsonNode json = JSON.readTree(b);
    assertThat(json.get("event_id").asText()).isEqualTo("e-2");
    assertThat(json.get("value").asDouble()).isEqualTo(0.1 + 0.2);
    assertThat(json.has("metadata")).isFalse();
    assertThat(new String(b, StandardCharsets.UTF_8)).startsWith("{").endsWith("}");
  }

  @Test
  void keysRecordBySiteAssetAndSensor() {
    ValidatedTelemetrySerializer serializer =
        new ValidatedTelemetrySerializer("validated_telemetry");
    TelemetryReading r = reading();

    ProducerRecord<byte[], byte[]> record = serializer.serialize(r, null, null);

    assertThat(record.topic()).isEqualTo("validated_telemetry");
    assertThat(new String(record.key(), StandardCharsets.UTF_8))
        .isEqualTo("site-1:inverter-7:temp-3");
    assertThat(record.value()).isEqualTo(serializer.toJson(r));
    assertThat(record.partition()).as("partitioned by key").isNull();
  }

  @Test
  void republishesValidatedEventUnderTheContractNames() throws Exception {
    String raw =
        "{\"event_id\":\"e-9\",\"timestamp\":"
            + T
            + ",\"site_id\":\"Zürich\","
            + "\"asset_id\":\"a \\\"1\\\"\",\"sensor_id\":\"s/1\",\"sensor_type\":\"VOLTAGE\","
            + "\"value\":231.25,\"unit\":\"V\",\"quality_flag\":\"UNCERTAIN\","
            + "\"metadata\":{\"k\":\"v\"},\"source\":\"OPC_UA\",\"schema_version\":\"1.2.0\","
            + "\"ignored\":[1,2]}";
    TelemetryReading r = validator().validate(raw.getBytes(StandardCharsets.UTF_8), T);
    r.processedAt = T + 5;

    JsonNode out = JSON.readTree(new ValidatedTelemetrySerializer("validated_telemetry").toJson(r));

    JsonNode in = JSON.readTree(raw);
    for (String field :
        List.of(
            "event_id",
            "timestamp",
            "site_id",
            "asset_id",
            "sensor_id",
            "sensor_type",
            "value",
            "unit",
            "quality_flag",
            "metadata",
            "source",
            "schema_version")) {
      assertThat(out.get(field)).as(field).isEqualTo(in.get(field));
    }
    assertThat(out.has("ignored")).isFalse();
    assertThat(out.get("processed_at").asLong()).isEqualTo(T + 5);
  }

  @Test
  void returnsIndependentBytesForEachRecord() {
    ValidatedTelemetrySerializer serializer =
        new ValidatedTelemetrySerializer("validated_telemetry");
    TelemetryReading first = reading();
    TelemetryReading second = reading();
    second.siteId = "another-site";

    byte[] firstJson = serializer.toJson(first);
    byte[] copy = firstJson.clone();
    serializer.toJson(second);

    assertThat(firstJson).isEqualTo(copy);
  }

  // --- telemetry_dlq --------------------------------------------------------------------------

  @Test
  void writesDeadLetterEnvelope() throws Exception {
    DeadLetter d = deadLetter("{\"event_id\":".getBytes(StandardCharsets.UTF_8));

    JsonNode json = JSON.readTree(new DeadLetterSerializer("telemetry_dlq").toJson(d));

    assertThat(fieldNames(json))
        .containsExactly(
            "error_code",
            "error_message",
            "source_topic",
            "source_partition",
            "source_offset",
            "kafka_timestamp",
            "rejected_at",
            "payload_size",
            "payload_truncated",
            "payload");
    assertThat(json.get("error_code").asText()).isEqualTo("INVALID_JSON");
    assertThat(json.get("error_message").asText()).isEqualTo("record is not valid JSON: oops");
    assertThat(json.get("source_topic").asText()).isEqualTo("raw_telemetry");
    assertThat(json.get("source_partition").asInt()).isEqualTo(5);
    assertThat(json.get("source_offset").asLong()).isEqualTo(123_456_789_012L);
    assertThat(json.get("kafka_timestamp").asLong()).isEqualTo(T - 10);
    assertThat(json.get("rejected_at").asLong()).isEqualTo(T);
    assertThat(json.get("payload_size").asInt()).isEqualTo(12);
    assertThat(json.get("payload_truncated").asBoolean()).isFalse();
    assertThat(json.get("payload").asText()).isEqualTo("{\"event_id\":");
  }

  @Test
  void sendsDeadLetterToItsTopicWithoutKey() {
    DeadLetterSerializer serializer = new DeadLetterSerializer("telemetry_dlq");
    DeadLetter d = deadLetter(new byte[] {'x'});

    ProducerRecord<byte[], byte[]> record = serializer.serialize(d, null, null);

    assertThat(record.topic()).isEqualTo("telemetry_dlq");
    assertThat(record.key()).isNull();
    assertThat(record.value()).isEqualTo(serializer.toJson(d));
  }

  @Test
  void writesMultiByteUtf8PayloadAsText() throws Exception {
    String payload = "{\"site_id\":\"Zürich ☀ 😀\", \"value\": \"\\u0000\"}\n\t";
    DeadLetter d = deadLetter(payload.getBytes(StandardCharsets.UTF_8));

    JsonNode json = JSON.readTree(new DeadLetterSerializer("telemetry_dlq").toJson(d));

    assertThat(json.get("payload").asText()).isEqualTo(payload);
    assertThat(json.has("payload_base64")).isFalse();
  }

  @Test
  void writesNonUtf8PayloadAsBase64() throws Exception {
    byte[] payload = {'{', (byte) 0xFF, (byte) 0xC0, (byte) 0x80, 0, '}'};
    DeadLetter d = deadLetter(payload);
    d.errorCode = "INVALID_UTF8";

    JsonNode json = JSON.readTree(new DeadLetterSerializer("telemetry_dlq").toJson(d));

    assertThat(json.has("payload")).isFalse();
    assertThat(json.get("payload_base64").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(payload));
    assertThat(Base64.getDecoder().decode(json.get("payload_base64").asText())).isEqualTo(payload);
    assertThat(json.get("payload_size").asInt()).isEqualTo(6);
    assertThat(json.get("payload_truncated").asBoolean()).isFalse();
  }

  @Test
  void writesEmptyPayloadAsEmptyText() throws Exception {
    JsonNode json =
        JSON.readTree(new DeadLetterSerializer("telemetry_dlq").toJson(deadLetter(new byte[0])));

    assertThat(json.get("payload").asText()).isEmpty();
    assertThat(json.get("payload_size").asInt()).isZero();
    assertThat(json.get("payload_truncated").asBoolean()).isFalse();
  }

  @Test
  void truncatesLargePayloadAndKeepsItsSize() throws Exception {
    byte[] payload = "x".repeat(MAX_DEAD_LETTER_PAYLOAD * 3).getBytes(StandardCharsets.UTF_8);

    JsonNode json = dlqJson(payload);

    assertThat(json.get("payload_size").asInt()).isEqualTo(MAX_DEAD_LETTER_PAYLOAD * 3);
    assertThat(json.get("payload_truncated").asBoolean()).isTrue();
    assertThat(json.get("payload").asText()).isEqualTo("x".repeat(MAX_DEAD_LETTER_PAYLOAD));
  }

  @Test
  void keepsPayloadOfExactlyTheLimitWhole() throws Exception {
    byte[] payload = "y".repeat(MAX_DEAD_LETTER_PAYLOAD).getBytes(StandardCharsets.UTF_8);

    JsonNode json = dlqJson(payload);

    assertThat(json.get("payload_truncated").asBoolean()).isFalse();
    assertThat(json.get("payload").asText()).hasSize(MAX_DEAD_LETTER_PAYLOAD);
  }

  @ParameterizedTest(name = "{0}-byte ASCII prefix")
  @ValueSource(ints = {0, 1, 2, 3})
  void neverCutsMultiByteCharacterWhenTruncating(int asciiPrefix) throws Exception {
    for (String character : List.of("é", "€", "😀")) {
      String text = "a".repeat(asciiPrefix) + character.repeat(MAX_DEAD_LETTER_PAYLOAD);
      byte[] payload = text.getBytes(StandardCharsets.UTF_8);

      JsonNode json = dlqJson(payload);

      String kept = json.get("payload").asText();
      assertThat(json.get("payload_truncated").asBoolean()).isTrue();
      assertThat(json.get("payload_size").asInt()).isEqualTo(payload.length);
      assertThat(json.has("payload_base64")).isFalse();
      assertThat(text).as(character).startsWith(kept);
      assertThat(kept).doesNotContain("\uFFFD");
      assertThat(kept.getBytes(StandardCharsets.UTF_8).length)
          .isBetween(MAX_DEAD_LETTER_PAYLOAD - 4, MAX_DEAD_LETTER_PAYLOAD);
    }
  }

  @Test
  void writesTruncatedNonUtf8PayloadAsBase64OfKeptPrefix() throws Exception {
    byte[] payload = new byte[MAX_DEAD_LETTER_PAYLOAD + 100];
    new Random(7).nextBytes(payload);
    payload[0] = (byte) 0xFF;

    JsonNode json = dlqJson(payload);

    assertThat(json.get("payload_truncated").asBoolean()).isTrue();
    assertThat(json.get("payload_size").asInt()).isEqualTo(MAX_DEAD_LETTER_PAYLOAD + 100);
    assertThat(Base64.getDecoder().decode(json.get("payload_base64").asText()))
        .isEqualTo(java.util.Arrays.copyOf(payload, MAX_DEAD_LETTER_PAYLOAD));
  }

  // --- raw_telemetry --------------------------------------------------------------------------

  @Test
  void deserializesValidRecordIntoReading() throws Exception {
    long now = System.currentTimeMillis();
    String event =
        "{\"event_id\":\"e-1\",\"timestamp\":"
            + (now - 1_000)
            + ",\"site_id\":\"s\","
            + "\"asset_id\":\"a\",\"sensor_id\":\"x\",\"sensor_type\":\"RPM\",\"value\":1500,"
            + "\"unit\":\"rpm\"}";

    ParsedRecord parsed = deserializeOne(record(event.getBytes(StandardCharsets.UTF_8)));

    assertThat(parsed.isRejected()).isFalse();
    assertThat(parsed.deadLetter).isNull();
    assertThat(parsed.reading.eventId).isEqualTo("e-1");
    assertThat(parsed.reading.timestamp).isEqualTo(now - 1_000);
    assertThat(parsed.reading.value).isEqualTo(1500.0);
    assertThat(parsed.reading.sensorKey()).isEqualTo("s:a:x");
  }

  @Test
  void deserializesGarbageIntoDeadLetterWithItsOrigin() throws Exception {
    byte[] payload = "not json at all".getBytes(StandardCharsets.UTF_8);
    long before = System.currentTimeMillis();

    ParsedRecord parsed = deserializeOne(record(payload));

    long after = System.currentTimeMillis();
    assertThat(parsed.isRejected()).isTrue();
    assertThat(parsed.reading).isNull();
    DeadLetter d = parsed.deadLetter;
    assertThat(d.errorCode).isEqualTo("INVALID_JSON");
    assertThat(d.errorMessage).startsWith("record is not valid JSON: ");
    assertThat(d.sourceTopic).isEqualTo("raw_telemetry");
    assertThat(d.sourcePartition).isEqualTo(3);
    assertThat(d.sourceOffset).isEqualTo(987_654L);
    assertThat(d.kafkaTimestamp).isEqualTo(T - 77);
    assertThat(d.rejectedAt).isBetween(before, after);
    assertThat(d.payload).isEqualTo(payload);
    assertThat(d.payloadSize).isEqualTo(payload.length);
  }

  @Test
  void deserializesRecordWithoutValueIntoEmptyRecordDeadLetter() throws Exception {
    ParsedRecord parsed = deserializeOne(record(null));

    assertThat(parsed.deadLetter.errorCode).isEqualTo("EMPTY_RECORD");
    assertThat(parsed.deadLetter.payload).isEmpty();
    assertThat(parsed.deadLetter.payloadSize).isZero();
  }

  @Test
  void cutsDeadLetterPayloadToTheLimit() throws Exception {
    byte[] payload = new byte[MAX_DEAD_LETTER_PAYLOAD * 2 + 1];
    java.util.Arrays.fill(payload, (byte) '[');

    ParsedRecord parsed = deserializeOne(record(payload));

    assertThat(parsed.deadLetter.payload).hasSize(MAX_DEAD_LETTER_PAYLOAD);
    assertThat(parsed.deadLetter.payloadSize).isEqualTo(MAX_DEAD_LETTER_PAYLOAD * 2 + 1);
  }

  @Test
  void neverThrowsForGarbage() throws Exception {
    Random random = new Random(42);
    List<byte[]> payloads = new ArrayList<>();
    payloads.add(new byte[] {0, 0, 0, '{', 0x7F, 0x7F, 0x7F, 0x7F, 1, 2, 3, 4});
    payloads.add(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', (byte) 0xD8, 0});
    payloads.add(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0, 1});
    payloads.add(new byte[] {0, '{', 0, '"'});
    payloads.add("{\"value\":1e99999999999}".getBytes(StandardCharsets.UTF_8));
    payloads.add(("{\"a\":" + "[".repeat(5_000)).getBytes(StandardCharsets.UTF_8));
    payloads.add(("{\"a\":" + "9".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8));
    payloads.add(("{\"value\":" + "9".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8));
    payloads.add(("{\"timestamp\":" + "9".repeat(5_000) + "}").getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 2_000; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      payloads.add(bytes);
    }

    for (byte[] payload : payloads) {
      ParsedRecord parsed = deserializeOne(record(payload));

      assertThat(parsed.reading == null)
          .as("exactly one of reading and dead letter")
          .isNotEqualTo(parsed.deadLetter == null);
      if (parsed.isRejected()) {
        assertThat(new DeadLetterSerializer("telemetry_dlq").toJson(parsed.deadLetter))
            .isNotEmpty();
      }
    }
  }

  @Test
  void producesFlinkPojosNotKryo() {
    assertThat(new RawTelemetryDeserializer(validator()).getProducedType())
        .isInstanceOf(PojoTypeInfo.class);
    assertThat(TypeInformation.of(TelemetryReading.class)).isInstanceOf(PojoTypeInfo.class);
    assertThat(TypeInformation.of(DeadLetter.class)).isInstanceOf(PojoTypeInfo.class);
  }

  @Test
  void sendsTheReadingsFieldsButNotItsCachedKeyThroughTheExchange() {
    PojoTypeInfo<TelemetryReading> type =
        (PojoTypeInfo<TelemetryReading>) TypeInformation.of(TelemetryReading.class);
    assertThat(type.getFieldIndex("sensorKey")).isEqualTo(-1);
    assertThat(type.getArity()).isEqualTo(13);
    TelemetryReading r = reading();
    assertThat(r.sensorKey()).isEqualTo(r.siteId + ":" + r.assetId + ":" + r.sensorId);
  }

  // --- Helpers --------------------------------------------------------------------------------

  private static EventValidator validator() {
    return new EventValidator(
        Duration.ofHours(24), Duration.ofHours(1), SensorTypes.defaultRanges());
  }

  private static TelemetryReading reading() {
    return Events.reading()
        .at(T)
        .value(42.5)
        .quality("OUT_OF_RANGE")
        .source("MODBUS")
        .metadata("{\"firmware\":\"2.4.1\",\"note\":\"a \\\"quoted\\\" é\"}")
        .processedAt(T + 250)
        .build();
  }

  private static DeadLetter deadLetter(byte[] payload) {
    DeadLetter d = new DeadLetter();
    d.errorCode = "INVALID_JSON";
    d.errorMessage = "record is not valid JSON: oops";
    d.sourceTopic = "raw_telemetry";
    d.sourcePartition = 5;
    d.sourceOffset = 123_456_789_012L;
    d.kafkaTimestamp = T - 10;
    d.rejectedAt = T;
    d.payload = payload;
    d.payloadSize = payload.length;
    return d;
  }

  /** The dead letter the deserializer makes of a payload, as written to telemetry_dlq. */
  private static JsonNode dlqJson(byte[] payload) throws Exception {
    ParsedRecord parsed = deserializeOne(record(payload));
    assertThat(parsed.isRejected()).isTrue();
    return JSON.readTree(new DeadLetterSerializer("telemetry_dlq").toJson(parsed.deadLetter));
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
    return RawRecords.record(3, 987_654L, T - 77, value);
  }

  private static ParsedRecord deserializeOne(ConsumerRecord<byte[], byte[]> record) {
    return RawRecords.deserializeOne(new RawTelemetryDeserializer(validator()), record);
  }

  private static List<String> fieldNames(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
