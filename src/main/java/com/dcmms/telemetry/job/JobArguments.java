package com.dcmms.telemetry.job;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the options of the cluster entry point: each option's environment variable first (the
 * design's, e.g. {@code KAFKA_BROKERS}, and QuestDB's credentials, named as the service reads them:
 * Flink's entry points log their program arguments), then {@code --key value} or {@code
 * --key=value} arguments, which win.
 */
final class JobArguments {
  private JobArguments() {}

  static TelemetryJobOptions parse(Map<String, String> env, String[] args) {
    return TelemetryJobOptions.fromMap(values(env, args));
  }

  /** The keys and values given, before defaults: what the user asked for explicitly. */
  static Map<String, String> values(Map<String, String> env, String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (JobOption<?> option : JobOptionDefinitions.all()) {
      String v =
          option.environmentVariable() == null ? null : env.get(option.environmentVariable());
      if (v != null && !v.isBlank()) {
        values.put(option.key(), v);
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException(
            "expected --<option> [value] at argument "
                + (i + 1)
                + shownName(arg)
                + "; quote values with spaces; options are listed in "
                + "docs/configuration.md");
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
