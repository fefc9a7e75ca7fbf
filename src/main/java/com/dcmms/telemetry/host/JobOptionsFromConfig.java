package com.dcmms.telemetry.host;

import com.dcmms.telemetry.job.JobOption;
import com.dcmms.telemetry.job.JobOptionDefinitions;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

/**
 * Reads the job's options from {@code telemetry.<key>} and extra Flink settings from {@code
 * telemetry.flink.*}. An option's own environment variable (e.g. {@code KAFKA_BROKERS}) wins over
 * {@code telemetry.<key>} from a source of lower ordinal (application.properties), and loses to one
 * from the environment ({@code TELEMETRY_<KEY>}) or a system property.
 */
public final class JobOptionsFromConfig {
  static final String PREFIX = "telemetry.";
  static final String FLINK_PREFIX = "telemetry.flink.";

  private JobOptionsFromConfig() {}

  public static TelemetryJobOptions options(Config config) {
    Map<String, String> values = new LinkedHashMap<>();
    // Looked up by name, so that TELEMETRY_KAFKA_BOOTSTRAP_SERVERS and the like apply.
    for (JobOption<?> option : JobOptionDefinitions.all()) {
      ConfigValue property = config.getConfigValue(PREFIX + option.key());
      ConfigValue variable =
          option.environmentVariable() == null
              ? null
              : config.getConfigValue(option.environmentVariable());
      if (isSet(variable)
          && (!isSet(property) || variable.getSourceOrdinal() > property.getSourceOrdinal())) {
        values.put(option.key(), variable.getValue());
      } else if (isSet(property)) {
        values.put(option.key(), property.getValue());
      }
    }
    for (String name : config.getPropertyNames()) {
      if (name.startsWith(PREFIX + TelemetryJobOptions.KAFKA_PROPERTY_PREFIX)
          || name.startsWith(PREFIX + TelemetryJobOptions.RANGE_PREFIX)) {
        config
            .getOptionalValue(name, String.class)
            .ifPresent(v -> values.put(name.substring(PREFIX.length()), v));
      }
    }
    return TelemetryJobOptions.fromMap(values);
  }

  private static boolean isSet(ConfigValue value) {
    return value != null && value.getValue() != null && !value.getValue().isBlank();
  }

  /**
   * Flink configuration entries given as telemetry.flink.&lt;key&gt;, passed through as they are.
   */
  public static Map<String, String> flinkOverrides(Config config) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String name : config.getPropertyNames()) {
      if (name.startsWith(FLINK_PREFIX)) {
        config
            .getOptionalValue(name, String.class)
            .ifPresent(v -> values.put(name.substring(FLINK_PREFIX.length()), v));
      }
    }
    return values;
  }
}
