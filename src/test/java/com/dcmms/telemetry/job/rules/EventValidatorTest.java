package com.dcmms.telemetry.job.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.records.TelemetryReading;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The event contract of raw_telemetry, rule by rule (docs/contract.md). */
class EventValidatorTest {
  /** Processing time of every test: 2023-11-14T22:13:20Z. */
  private static final long NOW = 1_700_000_000_000L;

  private static final long HOUR = 3_600_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventValidator validator =
      new EventValidator(Duration.ofHours(24), Duration.ofHours(1), SensorTypes.defaultRanges());

  // --- A valid event --------------------------------------------------------------------------

  @Test
  void acceptsCompleteValidEvent() {
    Map<String, Object> event = event();
    event.put("quality_flag", "UNCERTAIN");
    event.put("metadata", Map.of("firmware", "2.4.1"));
    event.put("source", "MODBUS");
    event.put("schema_version", "1.1.0");

    TelemetryReading r = accept(event);

    assertThat(r.eventId).isEqualTo("evt-0001");
    assertThat(r.timestamp).isEqualTo(NOW - 1_000);
    assertThat(r.siteId).isEqualTo("site-1");
    assertThat(r.assetId).isEqualTo("inverter-7");
    assertThat(r.sensorId).isEqualTo("temp-3");
    assertThat(r.sensorType).isEqualTo("TEMPERATURE");
    assertThat(r.value).isEqualTo(42.5);
    assertThat(r.unit).isEqualTo("celsius");
    assertThat(r.qualityFlag).isEqualTo("UNCERTAIN");
    assertThat(r.metadataJson).isEqualTo("{\"firmware\":\"2.4.1\"}");
    assertThat(r.source).isEqualTo("MODBUS");
    assertThat(r.schemaVersion).isEqualTo("1.1.0");
    assertThat(r.processedAt).as("set by dedup when it emits, not by validation").isZero();
  }

  @Test
  void appliesDefaultsForAbsentOptionalFields() {
    TelemetryReading r = accept(event());

    assertThat(r.qualityFlag).isEqualTo("GOOD");
    assertThat(r.source).isEqualTo("MQTT");
    assertThat(r.schemaVersion).isEqualTo("1.0.0");
    assertThat(r.metadataJson).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"quality_flag", "source", "schema_version", "metadata"})
  void treatsNullOptionalFieldAsAbsent(String field) {
    Map<String, Object> event = event();
    event.put(field, null);

    assertThat(accept(event)).isEqualTo(accept(event()));
  }

  @Test
  void acceptsAnySourceLabel() {
    Map<String, Object> event = event();
    event.put("source", "LORAWAN_GATEWAY");

    assertThat(accept(event).source).isEqualTo("LORAWAN_GATEWAY");
  }

  @Test
  void acceptsIntegerValue() {
    Map<String, Object> event = event();
    event.put("value", 42);

    assertThat(accept(event).value).isEqualTo(42.0);
  }

  @Test
  void acceptsFieldsInAnyOrderWithWhiteSpace() {
    String payload =
        "\n {\n  \"unit\" : \"celsius\", \"value\" : 42.5, \"sensor_type\" : \"TEMPERATURE\","
            + " \"sensor_id\" : \"temp-3\", \"asset_id\" : \"inverter-7\", \"site_id\" : \"site-1\","
            + " \"timestamp\" : "
            + (NOW - 1_000)
            + ", \"event_id\" : \"evt-0001\"\n }\n\t";

    assertThat(accept(payload)).isEqualTo(accept(event()));
  }

  // --- Metadata -------------------------------------------------------------------------------

  @Test
  void storesMetadataAsCompactJsonString() {
    Map<String, Object> event = event();
    event.put("metadata", raw("{ \"firmware\" : \"2.4.1\" ,\n \"note\": \"a \\\"quoted\\\" é\" }"));

    TelemetryReading r = accept(event);

    assertThat(r.metadataJson)
        .isEqualTo("{\"firmware\":\"2.4.1\",\"note\":\"a \\\"quoted\\\" é\"}");
  }

  @Test
  void storesEmptyMetadataAsEmptyObject() {
    Map<String, Object> event = event();
    event.put("metadata", Map.of());

    assertThat(accept(event).metadataJson).isEqualTo("{}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"12", "1.5", "true", "null", "{\"nested\":\"x\"}", "[\"x\"]"})
  void rejectsMetadataWithNonStringValue(String rawValue) {
    Map<String, Object> event = event();
    event.put("metadata", raw("{\"firmware\":\"2.4.1\",\"rack\":" + rawValue + "}"));

    assertRejected(event, RejectReason.WRONG_TYPE, "'metadata.rack'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"firmware=2.4.1\"", "[\"x\"]", "7", "false"})
  void rejectsMetadataThatIsNotAnObject(String rawValue) {
    Map<String, Object> event = event();
    event.put("metadata", raw(rawValue));

    assertRejected(event, RejectReason.WRONG_TYPE, "'metadata'");
  }

  // --- Timestamps -----------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
    "2023-11-14T22:13:19.500Z",
    "2023-11-14T23:13:19.500+01:00",
    "2023-11-14T17:13:19.500-05:00",
    "2023-11-14T22:13:19.500",
    "2023-11-14T23:13:19.500+01:00[Europe/Paris]"
  })
  void acceptsIsoTimestamp(String iso) {
    Map<String, Object> event = event();
    event.put("timestamp", iso);

    assertThat(accept(event).timestamp).isEqualTo(NOW - 500);
  }

  @Test
  void takesIsoTimestampWithoutOffsetAsUtc() {
    Map<String, Object> event = event();
    event.put("timestamp", "2023-11-14T22:13:10");

    assertThat(accept(event).timestamp).isEqualTo(NOW - 10_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday", "2023-11-14", "1700000000000", "14/11/2023 22:13", ""})
  void rejectsTimestampStringThatIsNotIso8601(String text) {
    Map<String, Object> event = event();
    event.put("timestamp", text);

    assertRejected(event, RejectReason.INVALID_TIMESTAMP, "timestamp '" + text + "'");
  }

  @Test
  void truncatesFractionalEpochMillisToWholeMillis() {
    Map<String, Object> event = event();
    event.put("timestamp", raw((NOW - 1_000) + ".75"));

    assertThat(accept(event).timestamp).isEqualTo(NOW - 1_000);
  }

  @Test
  void rejectsEpochSecondsWithHint() {
    Map<String, Object> event = event();
    event.put("timestamp", NOW / 1_000);

    RejectedRecordException e = assertRejected(event, RejectReason.TIMESTAMP_TOO_OLD, "1700000000");
    assertThat(e.getMessage()).contains("epoch seconds").contains("epoch milliseconds");
  }

  @Test
  void rejectsTimestampOlderThanMaxEventAge() {
    Map<String, Object> event = event();
    event.put("timestamp", NOW - 24 * HOUR - 1);

    RejectedRecordException e =
        assertRejected(event, RejectReason.TIMESTAMP_TOO_OLD, "timestamp " + (NOW - 24 * HOUR - 1));
    assertThat(e.getMessage()).contains("PT24H").doesNotContain("epoch seconds");
  }

  @Test
  void acceptsTimestampExactlyAtMaxEventAge() {
    Map<String, Object> event = event();
    event.put("timestamp", NOW - 24 * HOUR);

    assertThat(accept(event).timestamp).isEqualTo(NOW - 24 * HOUR);
  }

  @Test
  void rejectsTimestampFurtherAheadThanMaxFutureSkew() {
    Map<String, Object> event = event();
    event.put("timestamp", NOW + HOUR + 1);

    RejectedRecordException e =
        assertRejected(event, RejectReason.TIMESTAMP_IN_FUTURE, "timestamp " + (NOW + HOUR + 1));
    assertThat(e.getMessage()).contains("PT1H");
  }

  @Test
  void acceptsTimestampExactlyAtMaxFutureSkew() {
    Map<String, Object> event = event();
    event.put("timestamp", NOW + HOUR);

    assertThat(accept(event).timestamp).isEqualTo(NOW + HOUR);
  }

  @Test
  void appliesAgeBoundsToIsoTimestamps() {
    Map<String, Object> event = event();
    event.put("timestamp", "2023-11-13T22:13:19.999Z");

    assertRejected(event, RejectReason.TIMESTAMP_TOO_OLD, "timestamp " + (NOW - 24 * HOUR - 1));
  }

  @Test
  void rejectsTimestampBeyondEpochMillisRange() {
    Map<String, Object> event = event();
    event.put("timestamp", raw("99999999999999999999999"));

    assertRejected(event, RejectReason.INVALID_TIMESTAMP, "99999999999999999999999");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "1e400"})
  void rejectsNonFiniteTimestamp(String rawValue) {
    Map<String, Object> event = event();
    event.put("timestamp", raw(rawValue));

    assertRejected(event, RejectReason.INVALID_TIMESTAMP, "timestamp");
  }

  // --- Values ---------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "+Infinity", "1e400", "-1e400"})
  void rejectsNonFiniteValue(String rawValue) {
    Map<String, Object> event = event();
    event.put("value", raw(rawValue));

    assertRejected(event, RejectReason.NON_FINITE_VALUE, "'value'");
  }

  @Test
  void rejectsValueGivenAsString() {
    Map<String, Object> event = event();
    event.put("value", "12.5");

    RejectedRecordException e = assertRejected(event, RejectReason.WRONG_TYPE, "'value'");
    assertThat(e.getMessage()).isEqualTo("field 'value' must be a number, got a string");
  }

  // --- Required fields ------------------------------------------------------------------------

  static Stream<String> requiredFields() {
    return Stream.of(
        "event_id",
        "timestamp",
        "site_id",
        "asset_id",
        "sensor_id",
        "sensor_type",
        "value",
        "unit");
  }

  static Stream<String> requiredTextFields() {
    return Stream.of("event_id", "site_id", "asset_id", "sensor_id", "sensor_type", "unit");
  }

  @ParameterizedTest
  @MethodSource("requiredFields")
  void rejectsEventWithoutRequiredField(String field) {
    Map<String, Object> event = event();
    event.remove(field);

    RejectedRecordException e =
        assertRejected(event, RejectReason.MISSING_FIELD, "'" + field + "'");
    assertThat(e.getMessage()).isEqualTo("required field '" + field + "' is missing or null");
  }

  @ParameterizedTest
  @MethodSource("requiredFields")
  void rejectsEventWithNullRequiredField(String field) {
    Map<String, Object> event = event();
    event.put(field, null);

    assertRejected(event, RejectReason.MISSING_FIELD, "'" + field + "'");
  }

  @Test
  void rejectsEventWithoutSiteId() {
    Map<String, Object> event = event();
    event.remove("site_id");

    assertRejected(event, RejectReason.MISSING_FIELD, "'site_id'");
  }

  @ParameterizedTest
  @MethodSource("requiredTextFields")
  void rejectsEmptyRequiredField(String field) {
    Map<String, Object> event = event();
    event.put(field, "");

    RejectedRecordException e =
        assertRejected(event, RejectReason.MISSING_FIELD, "'" + field + "'");
    assertThat(e.getMessage()).isEqualTo("required field '" + field + "' is empty");
  }

  @ParameterizedTest
  @MethodSource("requiredTextFields")
  void rejectsBlankRequiredField(String field) {
    Map<String, Object> event = event();
    event.put(field, " \t ");

    assertRejected(event, RejectReason.MISSING_FIELD, "'" + field + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"quality_flag", "source", "schema_version"})
  void takesDefaultForBlankOptionalField(String field) {
    Map<String, Object> event = event();
    event.put(field, "  ");

    assertThat(accept(event)).isEqualTo(accept(event()));
  }

  // --- Types ----------------------------------------------------------------------------------

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of("event_id", "12345", "a string", "a number"),
        Arguments.of("event_id", "true", "a string", "a boolean"),
        Arguments.of("site_id", "{\"id\":\"site-1\"}", "a string", "an object"),
        Arguments.of("asset_id", "[\"inverter-7\"]", "a string", "an array"),
        Arguments.of("sensor_id", "3.5", "a string", "a number"),
        Arguments.of("sensor_type", "false", "a string", "a boolean"),
        Arguments.of("unit", "7", "a string", "a number"),
        Arguments.of("quality_flag", "1", "a string", "a number"),
        Arguments.of("source", "{}", "a string", "an object"),
        Arguments.of("schema_version", "1.0", "a string", "a number"),
        Arguments.of("timestamp", "true", "epoch milliseconds or an ISO-8601 string", "a boolean"),
        Arguments.of("timestamp", "{}", "epoch milliseconds or an ISO-8601 string", "an object"),
        Arguments.of(
            "timestamp", "[1700000000000]", "epoch milliseconds or an ISO-8601 string", "an array"),
        Arguments.of("value", "\"12.5\"", "a number", "a string"),
        Arguments.of("value", "true", "a number", "a boolean"),
        Arguments.of("value", "{\"v\":1}", "a number", "an object"),
        Arguments.of("value", "[12.5]", "a number", "an array"),
        Arguments.of("metadata", "\"k=v\"", "an object of strings", "a string"),
        Arguments.of("metadata", "[]", "an object of strings", "an array"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("wrongTypes")
  void rejectsFieldOfWrongType(String field, String rawValue, String expected, String actual) {
    Map<String, Object> event = event();
    event.put(field, raw(rawValue));

    RejectedRecordException e = assertRejected(event, RejectReason.WRONG_TYPE, "'" + field + "'");
    assertThat(e.getMessage())
        .isEqualTo("field '" + field + "' must be " + expected + ", got " + actual);
  }

  // --- Sensor types, ranges and quality flags ------------------------------------------------

  @Test
  void acceptsUnknownSensorTypeWithoutRange() {
    Map<String, Object> event = event();
    event.put("sensor_type", "WIND_SPEED");
    event.put("value", 1e9);
    event.put("quality_flag", "UNCERTAIN");

    TelemetryReading r = accept(event);

    assertThat(r.sensorType).isEqualTo("WIND_SPEED");
    assertThat(r.qualityFlag).isEqualTo("UNCERTAIN");
    assertThat(SensorTypes.isKnown(r.sensorType)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"STATUS", "OTHER"})
  void appliesNoRangeToStatusAndOther(String type) {
    Map<String, Object> event = event();
    event.put("sensor_type", type);
    event.put("value", -1e9);

    assertThat(accept(event).qualityFlag).isEqualTo("GOOD");
  }

  static Stream<Arguments> designRanges() {
    return Stream.of(
        Arguments.of("TEMPERATURE", -50, 150),
        Arguments.of("VOLTAGE", 0, 600),
        Arguments.of("CURRENT", 0, 500),
        Arguments.of("POWER", 0, 10_000),
        Arguments.of("FREQUENCY", 0, 100),
        Arguments.of("PRESSURE", 0, 1000),
        Arguments.of("HUMIDITY", 0, 100),
        Arguments.of("VIBRATION", 0, 100),
        Arguments.of("FLOW_RATE", 0, 1000),
        Arguments.of("RPM", 0, 10_000),
        Arguments.of("TORQUE", 0, 1000),
        Arguments.of("ENERGY", 0, 100_000));
  }

  @Test
  void defaultRangesAreExactlyTheDesignsRanges() {
    Map<String, ValueRange> expected = new LinkedHashMap<>();
    designRanges()
        .forEach(
            a ->
                expected.put(
                    (String) a.get()[0],
                    new ValueRange(
                        ((Integer) a.get()[1]).doubleValue(),
                        ((Integer) a.get()[2]).doubleValue())));

    assertThat(SensorTypes.defaultRanges()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} {1}..{2}")
  @MethodSource("designRanges")
  void keepsValueExactlyAtRangeBoundsGood(String type, double min, double max) {
    assertThat(qualityOf(type, min, "GOOD")).isEqualTo("GOOD");
    assertThat(qualityOf(type, max, "GOOD")).isEqualTo("GOOD");
  }

  @ParameterizedTest(name = "{0} {1}..{2}")
  @MethodSource("designRanges")
  void flagsValueJustOutsideRangeAsOutOfRange(String type, double min, double max) {
    assertThat(qualityOf(type, Math.nextDown(min), "GOOD")).isEqualTo("OUT_OF_RANGE");
    assertThat(qualityOf(type, Math.nextUp(max), "GOOD")).isEqualTo("OUT_OF_RANGE");
    assertThat(qualityOf(type, min - 1, "GOOD")).isEqualTo("OUT_OF_RANGE");
    assertThat(qualityOf(type, max + 1, "GOOD")).isEqualTo("OUT_OF_RANGE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GOOD", "BAD", "UNCERTAIN", "OUT_OF_RANGE", "SENSOR_FAULT"})
  void keepsDeviceQualityFlagWhenValueInRange(String flag) {
    assertThat(qualityOf("TEMPERATURE", 20, flag)).isEqualTo(flag);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GOOD", "BAD", "UNCERTAIN", "SENSOR_FAULT"})
  void replacesDeviceQualityFlagWhenValueOutOfRange(String flag) {
    assertThat(qualityOf("TEMPERATURE", 151, flag)).isEqualTo("OUT_OF_RANGE");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EXCELLENT", "good", "OK"})
  void rejectsInvalidQualityFlag(String flag) {
    Map<String, Object> event = event();
    event.put("quality_flag", flag);

    RejectedRecordException e = assertRejected(event, RejectReason.INVALID_FIELD, "'quality_flag'");
    assertThat(e.getMessage()).contains("'" + flag + "'");
  }

  @Test
  void appliesCustomRanges() {
    EventValidator custom =
        new EventValidator(
            Duration.ofHours(24),
            Duration.ofHours(1),
            Map.of("TEMPERATURE", new ValueRange(0, 40)));

    assertThat(qualityOf(custom, "TEMPERATURE", 40, "GOOD")).isEqualTo("GOOD");
    assertThat(qualityOf(custom, "TEMPERATURE", 40.5, "GOOD")).isEqualTo("OUT_OF_RANGE");
    assertThat(qualityOf(custom, "TEMPERATURE", -1, "GOOD")).isEqualTo("OUT_OF_RANGE");
    assertThat(qualityOf(custom, "VOLTAGE", 5_000, "GOOD"))
        .as("a type without a range is not checked")
        .isEqualTo("GOOD");
  }

  @Test
  void appliesRangesAndAgeBoundsFromOptions() {
    TelemetryJobOptions options =
        TelemetryJobOptions.fromMap(
            Map.of(
                "validation.range.TEMPERATURE", "-40..85",
                "validation.range.WIND_SPEED", "0..75",
                "validation.max-event-age", "1 h",
                "validation.max-future-skew", "1 min"));
    EventValidator fromOptions =
        new EventValidator(options.maxEventAge(), options.maxFutureSkew(), options.sensorRanges());

    assertThat(qualityOf(fromOptions, "TEMPERATURE", 85, "GOOD")).isEqualTo("GOOD");
    assertThat(qualityOf(fromOptions, "TEMPERATURE", 86, "GOOD")).isEqualTo("OUT_OF_RANGE");
    assertThat(qualityOf(fromOptions, "WIND_SPEED", 76, "GOOD")).isEqualTo("OUT_OF_RANGE");
    assertThat(qualityOf(fromOptions, "VOLTAGE", 601, "GOOD")).isEqualTo("OUT_OF_RANGE");
    Map<String, Object> old = event();
    old.put("timestamp", NOW - HOUR - 1);
    assertThat(rejectionOf(fromOptions, json(old)).reason())
        .isEqualTo(RejectReason.TIMESTAMP_TOO_OLD);
    Map<String, Object> ahead = event();
    ahead.put("timestamp", NOW + 60_001);
    assertThat(rejectionOf(fromOptions, json(ahead)).reason())
        .isEqualTo(RejectReason.TIMESTAMP_IN_FUTURE);
  }

  // --- Identifiers ----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "event_id",
        "site_id",
        "asset_id",
        "sensor_id",
        "sensor_type",
        "unit",
        "quality_flag",
        "source",
        "schema_version"
      })
  void rejectsTextLongerThan256Characters(String field) {
    Map<String, Object> event = event();
    event.put(field, "x".repeat(257));

    RejectedRecordException e =
        assertRejected(event, RejectReason.INVALID_FIELD, "'" + field + "'");
    assertThat(e.getMessage()).contains("257").contains("256");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "event_id",
        "site_id",
        "asset_id",
        "sensor_id",
        "sensor_type",
        "unit",
        "source",
        "schema_version"
      })
  void acceptsTextOf256Characters(String field) {
    Map<String, Object> event = event();
    event.put(field, "x".repeat(256));

    accept(event);
  }

  // --- Malformed records ----------------------------------------------------------------------

  @Test
  void rejectsEmptyPayload() {
    assertThat(rejectionOf(validator, new byte[0]).reason()).isEqualTo(RejectReason.EMPTY_RECORD);
  }

  @Test
  void rejectsNullPayload() {
    assertThat(rejectionOf(validator, null).reason()).isEqualTo(RejectReason.EMPTY_RECORD);
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "\n", " \t\r\n  "})
  void rejectsWhitespaceOnlyPayload(String payload) {
    assertThat(rejectionOf(validator, utf8(payload)).reason()).isEqualTo(RejectReason.EMPTY_RECORD);
  }

  @Test
  void rejectsTruncatedJson() {
    String complete = new String(json(event()), StandardCharsets.UTF_8);

    for (int length = 1; length < complete.length(); length++) {
      assertThat(rejectionOf(validator, utf8(complete.substring(0, length))).reason())
          .as("first %d characters", length)
          .isEqualTo(RejectReason.INVALID_JSON);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "}", ",", "{}", " {\"a\":1}", "[]", "null"})
  void rejectsTrailingGarbage(String garbage) {
    String payload = new String(json(event()), StandardCharsets.UTF_8) + garbage;

    assertThat(rejectionOf(validator, utf8(payload)).reason()).isEqualTo(RejectReason.INVALID_JSON);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hello",
        "{event_id: \"e\"}",
        "{'event_id': 'e'}",
        "/* comment */ {}",
        "{\"a\":1,}",
        "{\"a\" 1}"
      })
  void rejectsTextThatIsNotJson(String payload) {
    RejectedRecordException e = rejectionOf(validator, utf8(payload));

    assertThat(e.reason()).isEqualTo(RejectReason.INVALID_JSON);
    assertThat(e.getMessage()).startsWith("record is not valid JSON: ").contains("(at byte ");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[1, 2, 3]|an array",
        "[]|an array",
        "\"an event\"|a string",
        "42|a number",
        "4.2|a number",
        "true|a boolean",
        "null|null"
      })
  void rejectsJsonThatIsNotAnObject(String payload, String described) {
    RejectedRecordException e = rejectionOf(validator, utf8(payload));

    assertThat(e.reason()).isEqualTo(RejectReason.NOT_AN_OBJECT);
    assertThat(e.getMessage()).isEqualTo("record must be a JSON object, got " + described);
  }

  static Stream<Arguments> invalidUtf8() {
    return Stream.of(
        Arguments.of("0xFF byte", new byte[] {(byte) 0xFF}),
        Arguments.of("lone continuation byte", new byte[] {(byte) 0x80}),
        Arguments.of("cut 3-byte sequence", new byte[] {(byte) 0xE2, (byte) 0x82}),
        Arguments.of("overlong 'A'", new byte[] {(byte) 0xC1, (byte) 0x81}),
        Arguments.of("overlong '/'", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}),
        Arguments.of("UTF-16 surrogate", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
        Arguments.of(
            "above U+10FFFF", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
  }

  @ParameterizedTest(name = "{0} in a field value")
  @MethodSource("invalidUtf8")
  void rejectsInvalidUtf8InFieldValue(String name, byte[] bad) {
    byte[] payload = withBytesInSiteId(bad);

    RejectedRecordException e = rejectionOf(validator, payload);

    assertThat(e.reason()).isEqualTo(RejectReason.INVALID_UTF8);
    assertThat(e.getMessage()).isEqualTo("record is not valid UTF-8 text");
  }

  @ParameterizedTest(name = "{0} in an unknown field")
  @MethodSource("invalidUtf8")
  void rejectsInvalidUtf8InUnknownField(String name, byte[] bad) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] event = json(event());
    out.write(event, 0, event.length - 1);
    out.writeBytes(utf8(",\"comment\":\"x"));
    out.writeBytes(bad);
    out.writeBytes(utf8("\"}"));

    assertThat(rejectionOf(validator, out.toByteArray()).reason())
        .isEqualTo(RejectReason.INVALID_UTF8);
  }

  @Test
  void rejectsUtf16EncodedEvent() {
    byte[] utf16 =
        new String(json(event()), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);

    assertThat(rejectionOf(validator, utf16).reason()).isEqualTo(RejectReason.INVALID_UTF8);
  }

  @Test
  void rejectsNulBytesThatLookLikeUtf32AsInvalidJson() {
    byte[] payload = {0, 0, 0, '{', 0x7F, 0x7F, 0x7F, 0x7F, 1, 2, 3, 4};

    assertThat(rejectionOf(validator, payload).reason()).isEqualTo(RejectReason.INVALID_JSON);
  }

  @Test
  void acceptsMultiByteUtf8Text() {
    Map<String, Object> event = event();
    event.put("site_id", "Zürich-Süd ☀ 😀");
    event.put("unit", "°C");

    TelemetryReading r = accept(event);

    assertThat(r.siteId).isEqualTo("Zürich-Süd ☀ 😀");
    assertThat(r.unit).isEqualTo("°C");
  }

  @Test
  void acceptsUtf8ByteOrderMark() {
    byte[] event = json(event());
    byte[] withBom = new byte[event.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(event, 0, withBom, 3, event.length);

    assertThat(accept(withBom)).isEqualTo(accept(event()));
  }

  @Test
  void neverFailsWithAnythingButARejectionOnRandomBytes() {
    Random random = new Random(20240601);
    byte[] valid = json(event());
    for (int i = 0; i < 5_000; i++) {
      byte[] payload;
      if (i % 2 == 0) {
        payload = new byte[random.nextInt(64)];
        random.nextBytes(payload);
      } else {
        // A valid event with a few bytes flipped: mostly parses a long way before failing.
        payload = valid.clone();
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
          payload[random.nextInt(payload.length)] = (byte) random.nextInt(256);
        }
      }
      byte[] input = payload;
      Throwable thrown = catchThrowable(() -> validator.validate(input, NOW));

      if (thrown != null) {
        assertThat(thrown)
            .as("payload %s", java.util.Arrays.toString(input))
            .isInstanceOf(RejectedRecordException.class);
      }
    }
  }

  // --- Duplicate and unknown keys -------------------------------------------------------------

  @Test
  void rejectsDuplicateKey() {
    String payload =
        new String(json(event()), StandardCharsets.UTF_8).replace("{", "{\"site_id\":\"site-2\",");

    RejectedRecordException e = rejectionOf(validator, utf8(payload));

    assertThat(e.reason()).isEqualTo(RejectReason.INVALID_JSON);
    assertThat(e.getMessage()).contains("Duplicate field 'site_id'");
  }

  @Test
  void rejectsDuplicateKeyInMetadata() {
    Map<String, Object> event = event();
    event.put("metadata", raw("{\"firmware\":\"1\",\"firmware\":\"2\"}"));

    RejectedRecordException e = assertRejected(event, RejectReason.INVALID_JSON, "'firmware'");
    assertThat(e.getMessage()).contains("Duplicate field");
  }

  @Test
  void acceptsUnknownFieldsIncludingNestedObjectsAndArrays() {
    Map<String, Object> event = event();
    event.put(
        "gateway", raw("{\"id\":\"gw-1\",\"hops\":[1,{\"x\":null},[true,2.5e3]],\"ok\":true}"));
    event.put("tags", raw("[\"a\",\"b\"]"));
    event.put("rssi", -71);
    event.put("nothing", null);
    event.put("event_id_v2", "other");

    assertThat(accept(event)).isEqualTo(accept(event()));
  }

  // --- Runtime concerns -----------------------------------------------------------------------

  @Test
  void validatesAfterJavaSerialization() throws Exception {
    accept(event()); // the parser factory exists now; it is transient and rebuilt after shipping.
    EventValidator shipped = InstantiationUtil.clone(validator);

    assertThat(shipped.validate(json(event()), NOW)).isEqualTo(accept(event()));
    assertThat(qualityOf(shipped, "TEMPERATURE", 151, "GOOD")).isEqualTo("OUT_OF_RANGE");
  }

  @Test
  void judgesAgeAgainstTheGivenProcessingTime() {
    Map<String, Object> event = event();
    event.put("timestamp", 1_000_000_000_000L);

    assertThat(rejectionOfAt(event, NOW).reason()).isEqualTo(RejectReason.TIMESTAMP_TOO_OLD);
    assertThat(validatorAccepts(event, 1_000_000_000_000L + 1_000)).isTrue();
  }

  // --- Helpers --------------------------------------------------------------------------------

  /** A valid event with every required field and none of the optional ones. */
  private static Map<String, Object> event() {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("event_id", "evt-0001");
    e.put("timestamp", NOW - 1_000);
    e.put("site_id", "site-1");
    e.put("asset_id", "inverter-7");
    e.put("sensor_id", "temp-3");
    e.put("sensor_type", "TEMPERATURE");
    e.put("value", 42.5);
    e.put("unit", "celsius");
    return e;
  }

  /** A JSON value written as given, e.g. NaN or a malformed object. */
  private static RawValue raw(String json) {
    return new RawValue(json);
  }

  private static byte[] json(Map<String, Object> event) {
    try {
      return JSON.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] withBytesInSiteId(byte[] bad) {
    byte[] event = json(event());
    String text = new String(event, StandardCharsets.UTF_8);
    int at = text.indexOf("site-1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(event, 0, at);
    out.writeBytes(bad);
    out.write(event, at + "site-1".length(), event.length - at - "site-1".length());
    return out.toByteArray();
  }

  private TelemetryReading accept(Map<String, Object> event) {
    return accept(json(event));
  }

  private TelemetryReading accept(String payload) {
    return accept(utf8(payload));
  }

  private TelemetryReading accept(byte[] payload) {
    try {
      return validator.validate(payload, NOW);
    } catch (RejectedRecordException e) {
      throw new AssertionError(
          "expected the event to be accepted, but: " + e.reason() + ": " + e.getMessage(), e);
    }
  }

  private boolean validatorAccepts(Map<String, Object> event, long now) {
    return catchThrowable(() -> validator.validate(json(event), now)) == null;
  }

  private RejectedRecordException rejectionOfAt(Map<String, Object> event, long now) {
    Throwable thrown = catchThrowable(() -> validator.validate(json(event), now));
    assertThat(thrown).isInstanceOf(RejectedRecordException.class);
    return (RejectedRecordException) thrown;
  }

  private static RejectedRecordException rejectionOf(EventValidator v, byte[] payload) {
    Throwable thrown = catchThrowable(() -> v.validate(payload, NOW));
    assertThat(thrown).as("rejection").isInstanceOf(RejectedRecordException.class);
    return (RejectedRecordException) thrown;
  }

  private RejectedRecordException assertRejected(
      Map<String, Object> event, RejectReason reason, String messagePart) {
    RejectedRecordException e = rejectionOf(validator, json(event));
    assertThat(e.reason()).as("reason (message: %s)", e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(messagePart);
    return e;
  }

  private String qualityOf(String type, double value, String deviceFlag) {
    return qualityOf(validator, type, value, deviceFlag);
  }

  private static String qualityOf(EventValidator v, String type, double value, String deviceFlag) {
    Map<String, Object> event = event();
    event.put("sensor_type", type);
    event.put("value", value);
    event.put("quality_flag", deviceFlag);
    try {
      return v.validate(json(event), NOW).qualityFlag;
    } catch (RejectedRecordException e) {
      throw new AssertionError(e.reason() + ": " + e.getMessage(), e);
    }
  }
}
