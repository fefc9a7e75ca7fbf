package com.dcmms.telemetry.host;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/** Reads the job's options from {@code telemetry.<key>} and extra Flink settings from {@code telemetry.flink.*}. */
public final class JobOptionsFromConfig {
  static final String PREFIX = "telemetry.";
  static final String FLINK_PREFIX = "telemetry.flink.";

  private JobOptionsFromConfig() {}

  public static TelemetryJobOptions options(Config config) {
    Map<String, String> values = new LinkedHashMap<>();
    // Looked up by name, so that environment variables (TELEMETRY_KAFKA_BOOTSTRAP_SERVERS…) apply.
    for (String key : TelemetryJobOptions.knownKeys()) {
      config.getOptionalValue(PREFIX + key, String.class).ifPresent(v -> values.put(key, v));
    }
    for (String name : config.getPropertyNames()) {
      if (name.startsWith(PREFIX + TelemetryJobOptions.KAFKA_PROPERTY_PREFIX)
          || name.startsWith(PREFIX + TelemetryJobOptions.RANGE_PREFIX)) {
        config.getOptionalValue(name, String.class)
            .ifPresent(v -> values.put(name.substring(PREFIX.length()), v));
      }
    }
    return TelemetryJobOptions.fromMap(values);
  }

  /** Flink configuration entries given as telemetry.flink.&lt;key&gt;, passed through as they are. */
  public static Map<String, String> flinkOverrides(Config config) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : config.getPropertyNames()) {
      if (name.startsWith(FLINK_PREFIX)) {
        config.getOptionalValue(name, String.class)
            .ifPresent(v -> values.put(name.substring(FLINK_PREFIX.length()), v));
      }
    }
    return values;
  }
}
