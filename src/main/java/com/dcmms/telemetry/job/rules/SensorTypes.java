package com.dcmms.telemetry.job.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The sensor types of the event contract and their default physical ranges. */
public final class SensorTypes {
  /** Types of the contract; any other type passes validation and is counted as unknown. */
  public static final Set<String> KNOWN =
      Set.of(
          "TEMPERATURE",
          "VOLTAGE",
          "CURRENT",
          "POWER",
          "FREQUENCY",
          "PRESSURE",
          "HUMIDITY",
          "VIBRATION",
          "FLOW_RATE",
          "RPM",
          "TORQUE",
          "ENERGY",
          "STATUS",
          "OTHER");

  public static final Set<String> QUALITY_FLAGS =
      Set.of("GOOD", "BAD", "UNCERTAIN", "OUT_OF_RANGE", "SENSOR_FAULT");

  private SensorTypes() {}

  /** Ranges from the design; STATUS and OTHER have none. */
  public static Map<String, ValueRange> defaultRanges() {
    Map<String, ValueRange> ranges = new LinkedHashMap<>();
    ranges.put("TEMPERATURE", new ValueRange(-50, 150));
    ranges.put("VOLTAGE", new ValueRange(0, 600));
    ranges.put("CURRENT", new ValueRange(0, 500));
    ranges.put("POWER", new ValueRange(0, 10_000));
    ranges.put("FREQUENCY", new ValueRange(0, 100));
    ranges.put("PRESSURE", new ValueRange(0, 1000));
    ranges.put("HUMIDITY", new ValueRange(0, 100));
    ranges.put("VIBRATION", new ValueRange(0, 100));
    ranges.put("FLOW_RATE", new ValueRange(0, 1000));
    ranges.put("RPM", new ValueRange(0, 10_000));
    ranges.put("TORQUE", new ValueRange(0, 1000));
    ranges.put("ENERGY", new ValueRange(0, 100_000));
    return ranges;
  }

  public static boolean isKnown(String sensorType) {
    return KNOWN.contains(sensorType);
  }
}
