package com.dcmms.telemetry.testkit;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The tests' one builder of raw events (JSON, as devices send them) and of readings (as the job
 * passes them on). Series of readings follow one scheme everywhere: reading {@code i} of sensor
 * {@code s} has event id {@code s<s>-r<i>}, timestamp {@code base + i s}, and a value 10 % away
 * from reading {@code i - 1}, so each one passes the deadband.
 */
public final class Events {
  public static final ObjectMapper JSON = new ObjectMapper();

  private Events() {}

  /** A valid event of the contract; tests change fields from here. */
  public static ObjectNode event(
      String eventId,
      long timestamp,
      String site,
      String asset,
      String sensor,
      String type,
      double value,
      String unit) {
    ObjectNode e = JSON.createObjectNode();
    e.put("event_id", eventId);
    e.put("timestamp", timestamp);
    e.put("site_id", site);
    e.put("asset_id", asset);
    e.put("sensor_id", sensor);
    e.put("sensor_type", type);
    e.put("value", value);
    e.put("unit", unit);
    return e;
  }

  /** The record key the MQTT bridge gives an event: {@code site_id:asset_id:sensor_id}. */
  public static String key(ObjectNode event) {
    return event.path("site_id").asText()
        + ':'
        + event.path("asset_id").asText()
        + ':'
        + event.path("sensor_id").asText();
  }

  public static byte[] bytes(ObjectNode event) {
    return event.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Readings {@code from..to-1} of sensors {@code sensor-0..sensors-1} of {@code asset-1} at one
   * site, reading by reading (every sensor's reading {@code i} before any reading {@code i + 1}).
   */
  public static List<ObjectNode> series(
      int from, int to, int sensors, long base, String site, String type) {
    List<ObjectNode> events = new ArrayList<>();
    for (int i = from; i < to; i++) {
      for (int s = 0; s < sensors; s++) {
        events.add(seriesReading(s, i, base, site, type));
      }
    }
    return events;
  }

  /** Reading {@code i} of sensor {@code s} of {@link #series}. */
  public static ObjectNode seriesReading(int sensor, int i, long base, String site, String type) {
    return event(
        "s" + sensor + "-r" + i,
        base + i * 1_000L,
        site,
        "asset-1",
        "sensor-" + sensor,
        type,
        readingValue(sensor, i),
        "u");
  }

  /** The value {@link #series} gives reading {@code i} of sensor {@code s}. */
  public static double readingValue(int sensor, int i) {
    return 100 + sensor + (i % 2) * 10;
  }

  /**
   * A near duplicate of reading {@code i} of {@link #series}' sensor {@code s}: 0.2 % higher,
   * {@code laterMillis} later, so within the deadband and the window, and no exact duplicate.
   */
  public static ObjectNode nearDuplicate(
      String eventId, int sensor, int i, long laterMillis, long base, String site, String type) {
    return event(
        eventId,
        base + i * 1_000L + laterMillis,
        site,
        "asset-1",
        "sensor-" + sensor,
        type,
        readingValue(sensor, i) * 1.002,
        "u");
  }

  /**
   * A near duplicate (half a second later) of reading {@code lastReading} of each of the {@code
   * PRESSURE} series' sensors, with event ids {@code near-<tag><sensor>}: dedup drops them all when
   * that reading was each sensor's last one.
   */
  public static List<ObjectNode> nearDuplicates(
      int sensors, int lastReading, String tag, long base, String site) {
    List<ObjectNode> events = new ArrayList<>();
    for (int s = 0; s < sensors; s++) {
      events.add(nearDuplicate("near-" + tag + s, s, lastReading, 500, base, site, "PRESSURE"));
    }
    return events;
  }

  /**
   * A reading as validation passes it on: sensor {@code site-1:inverter-7:temp-3}, TEMPERATURE in
   * celsius, GOOD, from MQTT, schema 1.0.0, no metadata; change what the test is about.
   */
  public static Reading reading() {
    return new Reading();
  }

  /** Builds a {@link TelemetryReading}; each {@link #build} returns a new one. */
  public static final class Reading {
    private final TelemetryReading r = new TelemetryReading();

    private Reading() {
      r.eventId = "evt-0001";
      r.siteId = "site-1";
      r.assetId = "inverter-7";
      r.sensorId = "temp-3";
      r.sensorType = "TEMPERATURE";
      r.unit = "celsius";
      r.qualityFlag = "GOOD";
      r.source = "MQTT";
      r.schemaVersion = "1.0.0";
    }

    public Reading id(String eventId) {
      r.eventId = eventId;
      return this;
    }

    public Reading at(long timestamp) {
      r.timestamp = timestamp;
      return this;
    }

    public Reading sensor(String sensorId) {
      r.sensorId = sensorId;
      return this;
    }

    public Reading asset(String assetId) {
      r.assetId = assetId;
      return this;
    }

    public Reading type(String sensorType, String unit) {
      r.sensorType = sensorType;
      r.unit = unit;
      return this;
    }

    public Reading value(double value) {
      r.value = value;
      return this;
    }

    public Reading quality(String qualityFlag) {
      r.qualityFlag = qualityFlag;
      return this;
    }

    public Reading source(String source) {
      r.source = source;
      return this;
    }

    public Reading metadata(String json) {
      r.metadataJson = json;
      return this;
    }

    public Reading processedAt(long processedAt) {
      r.processedAt = processedAt;
      return this;
    }

    public TelemetryReading build() {
      return r.copy();
    }
  }
}
