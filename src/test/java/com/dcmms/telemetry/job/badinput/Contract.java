package com.dcmms.telemetry.job.badinput;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.records.RawRecords;
import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.records.ValidatedTelemetrySerializer;
import com.dcmms.telemetry.job.rules.EventValidator;
import com.dcmms.telemetry.job.rules.RejectedRecordException;
import com.dcmms.telemetry.job.rules.SensorTypes;
import com.dcmms.telemetry.job.rules.ValueRange;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * What every accepted reading and every dead letter must satisfy (docs/contract.md, "The raw event"
 * and "Dead letters"), whatever the input was.
 */
public final class Contract {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_AGE = Duration.ofHours(24).toMillis();
  private static final long MAX_SKEW = Duration.ofHours(1).toMillis();
  private static final Map<String, ValueRange> RANGES = SensorTypes.defaultRanges();

  private Contract() {}

  /** A reading validated at a processing time between {@code from} and {@code to}. */
  public static void assertAccepted(TelemetryReading r, long from, long to) throws Exception {
    for (String text :
        new String[] {
          r.eventId,
          r.siteId,
          r.assetId,
          r.sensorId,
          r.sensorType,
          r.unit,
          r.source,
          r.schemaVersion
        }) {
      assertThat(text).isNotBlank().hasSizeLessThanOrEqualTo(EventValidator.MAX_TEXT_LENGTH);
      assertThat(text.chars()).noneMatch(c -> Character.isISOControl(c));
      assertThat(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
          .as("has a UTF-8 form")
          .isEqualTo(text);
    }
    assertThat(Double.isFinite(r.value)).as("finite value %s", r.value).isTrue();
    assertThat(r.timestamp).isBetween(from - MAX_AGE, to + MAX_SKEW);
    assertThat(SensorTypes.QUALITY_FLAGS).contains(r.qualityFlag);
    ValueRange range = RANGES.get(r.sensorType);
    if (range != null && !range.contains(r.value)) {
      assertThat(r.qualityFlag).isEqualTo("OUT_OF_RANGE");
    }
    if (r.metadataJson != null) {
      assertThat(r.metadataJson).hasSizeLessThanOrEqualTo(EventValidator.MAX_METADATA_LENGTH);
      JsonNode metadata = JSON.readTree(r.metadataJson);
      assertThat(metadata.isObject()).isTrue();
      metadata.forEach(v -> assertThat(v.isTextual()).isTrue());
    }
    assertThat(r.processedAt).as("set by dedup, not by validation").isZero();
    assertRepublishable(r, to);
  }

  /** validated_telemetry's record of the reading is itself a valid event, read back unchanged. */
  private static void assertRepublishable(TelemetryReading r, long now) {
    TelemetryReading emitted = r.copy();
    emitted.processedAt = now;
    byte[] json = new ValidatedTelemetrySerializer("validated").toJson(emitted);
    TelemetryReading reread;
    try {
      reread = RawRecords.defaultValidator().validate(json, now);
    } catch (RejectedRecordException e) {
      throw new AssertionError(
          "validated_telemetry record is not a valid event: "
              + e.getMessage()
              + ": "
              + new String(json, StandardCharsets.UTF_8),
          e);
    }
    reread.processedAt = now;
    assertThat(reread).isEqualTo(emitted);
  }

  /**
   * The bytes a dead-letter envelope carries: its text or base64 payload. They are the input, or a
   * prefix of it of at most {@code limit} bytes (less at most a cut character) when it was longer;
   * {@code payload_size} is the input's size.
   */
  public static void assertKeepsRawBytes(JsonNode envelope, byte[] input, int limit) {
    byte[] in = input == null ? new byte[0] : input;
    byte[] kept =
        envelope.has("payload_base64")
            ? Base64.getDecoder().decode(envelope.get("payload_base64").asText())
            : envelope.get("payload").asText().getBytes(StandardCharsets.UTF_8);
    assertThat(envelope.get("payload_size").asInt()).isEqualTo(in.length);
    assertThat(envelope.get("payload_truncated").asBoolean()).isEqualTo(in.length > limit);
    if (in.length <= limit) {
      assertThat(kept).isEqualTo(in);
    } else {
      assertThat(kept.length).isBetween(limit - 3, limit);
      assertThat(java.util.Arrays.copyOf(in, kept.length)).isEqualTo(kept);
    }
  }
}
