package com.dcmms.telemetry.job.rules;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Parses one raw event and checks it against the event contract: required fields, types, finite
 * values, timestamp bounds; flags values outside their sensor type's range.
 *
 * <p>A streaming parse: the payload is read once, unknown fields are skipped without building a
 * tree. Records over {@link #MAX_RECORD_BYTES} are rejected unread. Text fields follow {@link
 * TextRules}, timestamps {@link Timestamps}.
 */
public final class EventValidator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Longest accepted identifier or label; longer ones are almost always corrupt input. */
  public static final int MAX_TEXT_LENGTH = TextRules.MAX_TEXT_LENGTH;

  /**
   * Largest accepted record. A reading is a few hundred bytes; bigger records are rejected before
   * parsing, so that no record costs more than this to read.
   */
  public static final int MAX_RECORD_BYTES = 1024 * 1024;

  /**
   * Longest accepted metadata, as compact JSON text. Bounds validated_telemetry records well below
   * Kafka's default 1 MiB request size: a larger one would fail the sink on every replay.
   */
  public static final int MAX_METADATA_LENGTH = 64 * 1024;

  private final long maxEventAgeMillis;
  private final long maxFutureSkewMillis;
  private final Map<String, ValueRange> ranges;
  private transient JsonFactory json;

  public EventValidator(
      Duration maxEventAge, Duration maxFutureSkew, Map<String, ValueRange> ranges) {
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
    if (payload.length > MAX_RECORD_BYTES) {
      throw new RejectedRecordException(
          RejectReason.RECORD_TOO_LARGE,
          "record is "
              + payload.length
              + " bytes; at most "
              + MAX_RECORD_BYTES
              + " (1 MiB) are accepted");
    }
    // Checked first: Jackson accepts overlong forms and out-of-range code points, and decodes
    // UTF-16/32 when it detects them.
    if (!isUtf8(payload)) {
      throw new RejectedRecordException(
          RejectReason.INVALID_UTF8, "record is not valid UTF-8 text");
    }
    // NUL is valid UTF-8 but never valid JSON; without this, Jackson would take UTF-16 or UTF-32
    // text (ASCII with NULs between) for what it is and accept it.
    int nul = indexOfNul(payload);
    if (nul >= 0) {
      throw new RejectedRecordException(
          RejectReason.INVALID_JSON,
          "record is not valid JSON: "
              + "NUL byte at byte "
              + nul
              + " (UTF-16 or UTF-32 text is not accepted; send UTF-8)");
    }
    if (isBom(payload, 0) && isBom(payload, 3)) {
      // Jackson skips the first and misreads the second as a broken character.
      throw new RejectedRecordException(
          RejectReason.INVALID_JSON,
          "record is not valid JSON: "
              + "a second byte order mark at byte 3 (only one, at the very start, is ignored)");
    }
    RawFields f;
    try {
      f = parse(payload);
    } catch (JsonProcessingException e) {
      throw new RejectedRecordException(
          RejectReason.INVALID_JSON,
          "record is not valid JSON: " + e.getOriginalMessage() + location(e));
    } catch (IOException e) {
      // Jackson's decoders can fail with a plain CharConversionException. Still bad input,
      // never a reason to fail the job.
      throw new RejectedRecordException(
          RejectReason.INVALID_JSON, "record is not valid JSON: " + e.getMessage());
    }
    return check(f, nowMillis);
  }

  private TelemetryReading check(RawFields f, long nowMillis) throws RejectedRecordException {
    TelemetryReading r = new TelemetryReading();
    r.eventId = TextRules.required("event_id", f.eventId);
    r.siteId = TextRules.required("site_id", f.siteId);
    r.assetId = TextRules.required("asset_id", f.assetId);
    r.sensorId = TextRules.required("sensor_id", f.sensorId);
    r.sensorType = TextRules.required("sensor_type", f.sensorType);
    r.unit = TextRules.required("unit", f.unit);
    if (!f.hasTimestamp) {
      throw TextRules.missing("timestamp");
    }
    if (!f.hasValue) {
      throw TextRules.missing("value");
    }
    if (!Double.isFinite(f.value)) {
      throw new RejectedRecordException(
          RejectReason.NON_FINITE_VALUE, "field 'value' must be a finite number, got " + f.value);
    }
    r.value = f.value;
    r.timestamp = f.timestamp;
    Timestamps.checkAge(f.timestamp, nowMillis, maxEventAgeMillis, maxFutureSkewMillis);
    r.source = TextRules.optional("source", f.source, "MQTT");
    r.schemaVersion = TextRules.optional("schema_version", f.schemaVersion, "1.0.0");
    String flag = TextRules.optional("quality_flag", f.qualityFlag, "GOOD");
    if (!SensorTypes.QUALITY_FLAGS.contains(flag)) {
      throw new RejectedRecordException(
          RejectReason.INVALID_FIELD,
          "field 'quality_flag' must be one of "
              + "GOOD, BAD, UNCERTAIN, OUT_OF_RANGE, SENSOR_FAULT, got '"
              + flag
              + "'");
    }
    ValueRange range = ranges.get(r.sensorType);
    r.qualityFlag = range != null && !range.contains(r.value) ? "OUT_OF_RANGE" : flag;
    r.metadataJson = f.metadataJson;
    return r;
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
        throw new RejectedRecordException(
            RejectReason.EMPTY_RECORD, "record holds only white space");
      }
      if (t != JsonToken.START_OBJECT) {
        throw new RejectedRecordException(
            RejectReason.NOT_AN_OBJECT, "record must be a JSON object, got " + describe(t));
      }
      RawFields f = new RawFields();
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        readField(p, name, f);
      }
      if (p.nextToken() != null) {
        throw new RejectedRecordException(
            RejectReason.INVALID_JSON,
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
      case "timestamp" -> {
        if (p.currentToken() != JsonToken.VALUE_NULL) {
          f.timestamp = Timestamps.read(p);
          f.hasTimestamp = true;
        }
      }
      case "metadata" -> f.metadataJson = metadata(p);
      default -> p.skipChildren();
    }
  }

  private static String text(JsonParser p, String field)
      throws IOException, RejectedRecordException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(field, "a string", t);
    }
    return p.getText();
  }

  private static void readValue(JsonParser p, RawFields f)
      throws IOException, RejectedRecordException {
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
          throw wrongType("metadata." + TextRules.abbreviate(key), "a string", v);
        }
        g.writeStringField(
            TextRules.storable("metadata key", key),
            TextRules.storable("metadata." + key, p.getText()));
      }
      g.writeEndObject();
    }
    if (out.getBuffer().length() > MAX_METADATA_LENGTH) {
      throw new RejectedRecordException(
          RejectReason.INVALID_FIELD,
          "field 'metadata' is "
              + out.getBuffer().length()
              + " characters long as JSON; at most "
              + MAX_METADATA_LENGTH
              + " are accepted");
    }
    return out.toString();
  }

  static RejectedRecordException wrongType(String field, String expected, JsonToken t) {
    return new RejectedRecordException(
        RejectReason.WRONG_TYPE,
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

  private static boolean isBom(byte[] payload, int at) {
    return payload.length >= at + 3
        && payload[at] == (byte) 0xEF
        && payload[at + 1] == (byte) 0xBB
        && payload[at + 2] == (byte) 0xBF;
  }

  private static int indexOfNul(byte[] payload) {
    for (int i = 0; i < payload.length; i++) {
      if (payload[i] == 0) {
        return i;
      }
    }
    return -1;
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
      StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(payload, ascii, payload.length - ascii));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private JsonFactory json() {
    if (json == null) {
      json =
          JsonFactory.builder()
              .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build();
    }
    return json;
  }
}
