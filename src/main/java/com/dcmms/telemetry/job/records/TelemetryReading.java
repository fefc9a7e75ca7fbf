package com.dcmms.telemetry.job.records;

import java.util.Objects;

/**
 * A validated sensor reading, as it flows from validation through dedup to QuestDB and Kafka.
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so that it is serialized without Kryo.
 * Metadata travels as the JSON text it is stored as.
 */
public class TelemetryReading {
  public String eventId;

  /** Event time, epoch milliseconds UTC. */
  public long timestamp;

  public String siteId;
  public String assetId;
  public String sensorId;
  public String sensorType;
  public double value;
  public String unit;

  /** Final quality flag: the device's, or OUT_OF_RANGE when the value is outside its range. */
  public String qualityFlag;

  /** Metadata as a JSON object text, or null. */
  public String metadataJson;

  public String source;
  public String schemaVersion;

  /** When the pipeline emitted the reading, epoch milliseconds; 0 until dedup emits it. */
  public long processedAt;

  public TelemetryReading() {}

  /**
   * Built once per reading: the key selector asks on both sides of the exchange and the Kafka sink
   * once more. Transient, so not part of the POJO: a deserialized reading builds its own.
   */
  private transient String sensorKey;

  /** The dedup key and the Kafka record key of validated_telemetry. */
  public String sensorKey() {
    String key = sensorKey;
    if (key == null) {
      key = siteId + ':' + assetId + ':' + sensorId;
      sensorKey = key;
    }
    return key;
  }

  public TelemetryReading copy() {
    TelemetryReading c = new TelemetryReading();
    c.eventId = eventId;
    c.timestamp = timestamp;
    c.siteId = siteId;
    c.assetId = assetId;
    c.sensorId = sensorId;
    c.sensorType = sensorType;
    c.value = value;
    c.unit = unit;
    c.qualityFlag = qualityFlag;
    c.metadataJson = metadataJson;
    c.source = source;
    c.schemaVersion = schemaVersion;
    c.processedAt = processedAt;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TelemetryReading r)) {
      return false;
    }
    return timestamp == r.timestamp
        && Double.compare(value, r.value) == 0
        && processedAt == r.processedAt
        && Objects.equals(eventId, r.eventId)
        && Objects.equals(siteId, r.siteId)
        && Objects.equals(assetId, r.assetId)
        && Objects.equals(sensorId, r.sensorId)
        && Objects.equals(sensorType, r.sensorType)
        && Objects.equals(unit, r.unit)
        && Objects.equals(qualityFlag, r.qualityFlag)
        && Objects.equals(metadataJson, r.metadataJson)
        && Objects.equals(source, r.source)
        && Objects.equals(schemaVersion, r.schemaVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(eventId, timestamp, siteId, assetId, sensorId, value);
  }

  @Override
  public String toString() {
    return "TelemetryReading{"
        + sensorKey()
        + " event="
        + eventId
        + " ts="
        + timestamp
        + " "
        + sensorType
        + "="
        + value
        + unit
        + " "
        + qualityFlag
        + '}';
  }
}
