package com.dcmms.telemetry.job.rules;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Map;

/**
 * Parses one raw event and checks it against the event contract: required fields, types,
 * finite values, timestamp bounds; flags values outside their sensor type's range.
 *
 * <p>A streaming parse: the payload is read once, unknown fields are skipped without building
 * a tree.
 */
public final class EventValidator implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Longest accepted identifier or label; longer ones are almost always corrupt input. */
  public static final int MAX_TEXT_LENGTH = 256;

  private final long maxEventAgeMillis;
  private final long maxFutureSkewMillis;
  private final Map<String, ValueRange> ranges;
  private transient JsonFactory json;

  public EventValidator(Duration maxEventAge, Duration maxFutureSkew, Map<String, ValueRange> ranges) {
    this.maxEventAgeMillis = maxEventAge.toMillis();
    this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    this.ranges = Map.copyOf(ranges);
  }

  /**
   * Returns the reading the payload describes, with its final quality flag.
   *
   * @param nowMillis processing time, for the age and future-skew bounds
   * @throws RejectedRecordException when the payload breaks the contract
   */
  public TelemetryReading validate(byte[] payload, long nowMillis) throws RejectedRecordException {
    if (payload == null || payload.length == 0) {
      throw new RejectedRecordException(RejectReason.EMPTY_RECORD, "record is empty");
    }
    // Checked first: Jackson accepts overlong forms and out-of-range code points, and decodes
    // UTF-16/32 when it detects them.
    if (!isUtf8(payload)) {
      throw new RejectedRecordException(RejectReason.INVALID_UTF8, "record is not valid UTF-8 text");
    }
    RawFields f;
    try {
      f = parse(payload);
    } catch (JsonProcessingException e) {
      throw new RejectedRecordException(RejectReason.INVALID_JSON,
          "record is not valid JSON: " + e.getOriginalMessage() + location(e));
    } catch (IOException e) {
      // Leading NUL bytes make Jackson guess UTF-16/32; its decoders then fail with a plain
      // CharConversionException. Still bad input, never a reason to fail the job.
      throw new RejectedRecordException(RejectReason.INVALID_JSON,
          "record is not valid JSON: " + e.getMessage());
    }
    return check(f, nowMillis);
  }

  private TelemetryReading check(RawFields f, long nowMillis) throws RejectedRecordException {
    TelemetryReading r = new TelemetryReading();
    r.eventId = required("event_id", f.eventId);
    r.siteId = required("site_id", f.siteId);
    r.assetId = required("asset_id", f.assetId);
    r.sensorId = required("sensor_id", f.sensorId);
    r.sensorType = required("sensor_type", f.sensorType);
    r.unit = required("unit", f.unit);
    if (!f.hasTimestamp) {
      throw missing("timestamp");
    }
    if (!f.hasValue) {
      throw missing("value");
    }
    if (!Double.isFinite(f.value)) {
      throw new RejectedRecordException(RejectReason.NON_FINITE_VALUE,
          "field 'value' must be a finite number, got " + f.value);
    }
    r.value = f.value;
    r.timestamp = f.timestamp;
    checkAge(f.timestamp, nowMillis);
    r.source = optional("source", f.source, "MQTT");
    r.schemaVersion = optional("schema_version", f.schemaVersion, "1.0.0");
    String flag = optional("quality_flag", f.qualityFlag, "GOOD");
    if (!SensorTypes.QUALITY_FLAGS.contains(flag)) {
      throw new RejectedRecordException(RejectReason.INVALID_FIELD, "field 'quality_flag' must be one of "
          + "GOOD, BAD, UNCERTAIN, OUT_OF_RANGE, SENSOR_FAULT, got '" + flag + "'");
    }
    ValueRange range = ranges.get(r.sensorType);
    r.qualityFlag = range != null && !range.contains(r.value) ? "OUT_OF_RANGE" : flag;
    r.metadataJson = f.metadataJson;
    return r;
  }

  private void checkAge(long timestamp, long nowMillis) throws RejectedRecordException {
    if (timestamp < nowMillis - maxEventAgeMillis) {
      String hint = timestamp > 0 && timestamp < 100_000_000_000L
          ? " (it looks like epoch seconds; the contract wants epoch milliseconds)" : "";
      throw new RejectedRecordException(RejectReason.TIMESTAMP_TOO_OLD, "timestamp " + timestamp
          + " is older than the accepted age of " + Duration.ofMillis(maxEventAgeMillis) + hint);
    }
    if (timestamp > nowMillis + maxFutureSkewMillis) {
      throw new RejectedRecordException(RejectReason.TIMESTAMP_IN_FUTURE, "timestamp " + timestamp
          + " is more than " + Duration.ofMillis(maxFutureSkewMillis) + " ahead of processing time");
    }
  }

  private static String required(String field, String value) throws RejectedRecordException {
    if (value == null) {
      throw missing(field);
    }
    if (value.isBlank()) {
      throw new RejectedRecordException(RejectReason.MISSING_FIELD,
          "required field '" + field + "' is empty");
    }
    return checkLength(field, value);
  }

  private static String optional(String field, String value, String fallback)
      throws RejectedRecordException {
    return value == null || value.isBlank() ? fallback : checkLength(field, value);
  }

  private static String checkLength(String field, String value) throws RejectedRecordException {
    if (value.length() > MAX_TEXT_LENGTH) {
      throw new RejectedRecordException(RejectReason.INVALID_FIELD, "field '" + field + "' is "
          + value.length() + " characters long; at most " + MAX_TEXT_LENGTH + " are accepted");
    }
    return value;
  }

  private static RejectedRecordException missing(String field) {
    return new RejectedRecordException(RejectReason.MISSING_FIELD,
        "required field '" + field + "' is missing or null");
  }

  /** Field values as read, before the contract's checks. */
  private static final class RawFields {
    String eventId, siteId, assetId, sensorId, sensorType, unit, qualityFlag, source, schemaVersion;
    String metadataJson;
    boolean hasTimestamp, hasValue;
    long timestamp;
    double value;
  }

  private RawFields parse(byte[] payload) throws IOException, RejectedRecordException {
    try (JsonParser p = json().createParser(payload)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new RejectedRecordException(RejectReason.EMPTY_RECORD, "record holds only white space");
      }
      if (t != JsonToken.START_OBJECT) {
        throw new RejectedRecordException(RejectReason.NOT_AN_OBJECT,
            "record must be a JSON object, got " + describe(t));
      }
      RawFields f = new RawFields();
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        readField(p, name, f);
      }
      if (p.nextToken() != null) {
        throw new RejectedRecordException(RejectReason.INVALID_JSON,
            "record has content after the end of the JSON object" + location(p));
      }
      return f;
    }
  }

  private void readField(JsonParser p, String name, RawFields f)
      throws IOException, RejectedRecordException {
    switch (name) {
      case "event_id" -> f.eventId = text(p, name);
      case "site_id" -> f.siteId = text(p, name);
      case "asset_id" -> f.assetId = text(p, name);
      case "sensor_id" -> f.sensorId = text(p, name);
      case "sensor_type" -> f.sensorType = text(p, name);
      case "unit" -> f.unit = text(p, name);
      case "quality_flag" -> f.qualityFlag = text(p, name);
      case "source" -> f.source = text(p, name);
      case "schema_version" -> f.schemaVersion = text(p, name);
      case "value" -> readValue(p, f);
      case "timestamp" -> readTimestamp(p, f);
      case "metadata" -> f.metadataJson = metadata(p);
      default -> p.skipChildren();
    }
  }

  private static String text(JsonParser p, String field) throws IOException, RejectedRecordException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(field, "a string", t);
    }
    return p.getText();
  }

  private static void readValue(JsonParser p, RawFields f) throws IOException, RejectedRecordException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (!t.isNumeric()) {
      throw wrongType("value", "a number", t);
    }
    f.value = p.getDoubleValue();
    f.hasValue = true;
  }

  private static void readTimestamp(JsonParser p, RawFields f)
      throws IOException, RejectedRecordException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      try {
        f.timestamp = p.getLongValue();
      } catch (InputCoercionException e) {
        throw new RejectedRecordException(RejectReason.INVALID_TIMESTAMP,
            "timestamp " + p.getText() + " is out of range for epoch milliseconds");
      }
    } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double ms = p.getDoubleValue();
      if (!Double.isFinite(ms) || Math.abs(ms) > 9.0e15) {
        throw new RejectedRecordException(RejectReason.INVALID_TIMESTAMP,
            "timestamp " + p.getText() + " is not a usable epoch milliseconds value");
      }
      f.timestamp = (long) Math.floor(ms);
    } else if (t == JsonToken.VALUE_STRING) {
      f.timestamp = parseIsoTimestamp(p.getText());
    } else {
      throw wrongType("timestamp", "epoch milliseconds or an ISO-8601 string", t);
    }
    f.hasTimestamp = true;
  }

  /** ISO-8601 date-time; without an offset it is taken as UTC, as the contract's timestamps are. */
  static long parseIsoTimestamp(String text) throws RejectedRecordException {
    try {
      TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(text.trim());
      Instant instant = parsed.isSupported(ChronoField.OFFSET_SECONDS)
          ? Instant.from(parsed)
          : java.time.LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
      return instant.toEpochMilli();
    } catch (DateTimeException | ArithmeticException e) {
      throw new RejectedRecordException(RejectReason.INVALID_TIMESTAMP, "timestamp '"
          + abbreviate(text) + "' is neither epoch milliseconds nor an ISO-8601 date-time");
    }
  }

  /** Re-encodes the metadata object compactly; its values must be strings. */
  private String metadata(JsonParser p) throws IOException, RejectedRecordException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw wrongType("metadata", "an object of strings", t);
    }
    StringWriter out = new StringWriter(64);
    try (JsonGenerator g = json().createGenerator(out)) {
      g.writeStartObject();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        if (v != JsonToken.VALUE_STRING) {
          throw wrongType("metadata." + key, "a string", v);
        }
        g.writeStringField(key, p.getText());
      }
      g.writeEndObject();
    }
    return out.toString();
  }

  private static RejectedRecordException wrongType(String field, String expected, JsonToken t) {
    return new RejectedRecordException(RejectReason.WRONG_TYPE,
        "field '" + field + "' must be " + expected + ", got " + describe(t));
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (at byte " + e.getLocation().getByteOffset() + ")";
  }

  private static String location(JsonParser p) {
    return " (at byte " + p.currentLocation().getByteOffset() + ")";
  }

  private static String abbreviate(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }

  static boolean isUtf8(byte[] payload) {
    int ascii = 0;
    while (ascii < payload.length && payload[ascii] >= 0) {
      ascii++; // most events are ASCII: no decoder needed for them
    }
    if (ascii == payload.length) {
      return true;
    }
    try {
      StandardCharsets.UTF_8.newDecoder().decode(
          ByteBuffer.wrap(payload, ascii, payload.length - ascii));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private JsonFactory json() {
    if (json == null) {
      json = JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
    }
    return json;
  }
}
