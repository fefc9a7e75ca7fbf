package com.dcmms.telemetry.tools.loadgen;

import java.util.List;

/**
 * The simulated fleet: sites x assets x sensors, each sensor with a type, unit and the job's
 * default physical range for that type.
 *
 * <p>Site ids carry the run id: the job deduplicates per sensor and QuestDB upserts on (timestamp,
 * sensor), so sensors shared between runs would let one run's readings drop or overwrite another's
 * and make the expected counts wrong.
 */
public final class SensorProfile {
  /** A type with the default range the job uses to flag OUT_OF_RANGE (see docs/contract.md). */
  record Type(String name, String unit, double min, double max) {}

  static final List<Type> TYPES =
      List.of(
          new Type("TEMPERATURE", "C", -50, 150), new Type("VOLTAGE", "V", 0, 600),
          new Type("CURRENT", "A", 0, 500), new Type("POWER", "kW", 0, 10_000),
          new Type("PRESSURE", "kPa", 0, 1000), new Type("FREQUENCY", "Hz", 0, 100),
          new Type("HUMIDITY", "%", 0, 100), new Type("VIBRATION", "mm/s", 0, 100),
          new Type("FLOW_RATE", "l/s", 0, 1000), new Type("RPM", "rpm", 0, 10_000),
          new Type("TORQUE", "Nm", 0, 1000), new Type("ENERGY", "kWh", 0, 100_000));

  /** One sensor's identity. */
  record Sensor(int index, String siteId, String assetId, String sensorId, Type type) {
    String key() {
      return siteId + ':' + assetId + ':' + sensorId;
    }
  }

  private SensorProfile() {}

  /** The sensors owned by one worker: global indexes {@code worker, worker + workers, ...}. */
  static List<Sensor> sensorsOf(LoadTestOptions o, int worker) {
    java.util.ArrayList<Sensor> out = new java.util.ArrayList<>();
    for (int g = worker; g < o.sensorCount(); g += o.workers()) {
      out.add(sensor(o, g));
    }
    return out;
  }

  static Sensor sensor(LoadTestOptions o, int g) {
    int s = g % o.sensors();
    int a = (g / o.sensors()) % o.assets();
    int site = g / (o.sensors() * o.assets());
    return new Sensor(
        g,
        "site-" + (site + 1) + "." + o.runId(),
        "asset-" + (a + 1),
        "sensor-" + (s + 1),
        TYPES.get(s % TYPES.size()));
  }
}
