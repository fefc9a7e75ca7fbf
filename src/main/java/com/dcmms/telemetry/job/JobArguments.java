package com.dcmms.telemetry.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the options of the cluster entry point: the design's environment variables and QuestDB's
 * credentials first, then {@code --key value} or {@code --key=value} arguments, which win.
 */
final class JobArguments {
  /** The original design's environment variables and the option each one sets. */
  static final Map<String, String> ENVIRONMENT = Map.of(
      "FLINK_PARALLELISM", "parallelism",
      "CHECKPOINT_INTERVAL_MS", "checkpoint.interval",
      "CHECKPOINT_DIR", "checkpoint.dir",
      "KAFKA_BROKERS", "kafka.bootstrap-servers",
      "QUESTDB_HOST", "questdb.host",
      "QUESTDB_PORT", "questdb.pg-port",
      "QUESTDB_HTTP_PORT", "questdb.http-port");

  /**
   * QuestDB's credentials, named as the service reads them: by environment (e.g. from a
   * Kubernetes Secret), since Flink's entry points log their program arguments.
   */
  static final Map<String, String> CREDENTIALS = Map.of(
      "TELEMETRY_QUESTDB_USERNAME", "questdb.username",
      "TELEMETRY_QUESTDB_PASSWORD", "questdb.password",
      "TELEMETRY_QUESTDB_TOKEN", "questdb.token");

  private JobArguments() {}

  static TelemetryJobOptions parse(Map<String, String> env, String[] args) {
    return TelemetryJobOptions.fromMap(values(env, args));
  }

  /** The keys and values given, before defaults: what the user asked for explicitly. */
  static Map<String, String> values(Map<String, String> env, String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Map<String, String> variables : List.of(ENVIRONMENT, CREDENTIALS)) {
      variables.forEach((variable, key) -> {
        String v = env.get(variable);
        if (v != null && !v.isBlank()) {
          values.put(key, v);
        }
      });
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("expected --<option> [value] at argument " + (i + 1)
            + shownName(arg) + "; quote values with spaces; options are listed in "
            + "TelemetryJobOptions and the README");
      }
      String key = arg.substring(2);
      int eq = key.indexOf('=');
      if (eq > 0) {
        values.put(key.substring(0, eq), key.substring(eq + 1));
      } else if (i + 1 < args.length) {
        values.put(key, args[++i]);
      } else {
        throw new IllegalArgumentException("option --" + key + " has no value");
      }
    }
    return values;
  }

  /** An option-like argument's name; never a value, which may be (part of) a secret. */
  private static String shownName(String arg) {
    if (!arg.startsWith("-")) {
      return "";
    }
    int eq = arg.indexOf('=');
    return ", got '" + (eq < 0 ? arg : arg.substring(0, eq) + "=…") + "'";
  }
}
