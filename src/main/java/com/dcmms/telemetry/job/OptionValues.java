package com.dcmms.telemetry.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.util.TimeUtils;

/** Typed reads of option values, each failing with a message that names the key. */
final class OptionValues implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Map<String, String> values;

  OptionValues(Map<String, String> values) {
    this.values = values;
  }

  String text(String key) {
    String v = values.get(key);
    if (v == null || v.isEmpty()) {
      throw invalid(key, "a non-empty value");
    }
    return v;
  }

  Duration duration(String key) {
    String text = text(key);
    Duration d;
    try {
      d = TimeUtils.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw invalid(key, "a duration such as 30 s, 100 ms or 10 min");
    }
    if (d.isNegative()) {
      throw invalid(key, "a duration that is not negative");
    }
    return d;
  }

  Duration positive(String key) {
    Duration d = duration(key);
    if (d.isZero()) {
      throw invalid(key, "a positive duration");
    }
    return d;
  }

  int nonNegativeInt(String key) {
    try {
      int v = Integer.parseInt(text(key));
      if (v < 0) {
        throw invalid(key, "a whole number of 0 or more");
      }
      return v;
    } catch (NumberFormatException e) {
      throw invalid(key, "a whole number");
    }
  }

  int positiveInt(String key) {
    int v = nonNegativeInt(key);
    if (v == 0) {
      throw invalid(key, "a whole number of 1 or more");
    }
    return v;
  }

  int port(String key) {
    int v = positiveInt(key);
    if (v > 65535) {
      throw invalid(key, "a port number from 1 to 65535");
    }
    return v;
  }

  double nonNegativeDouble(String key) {
    try {
      double v = Double.parseDouble(text(key));
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw invalid(key, "a finite number of 0 or more");
      }
      return v;
    } catch (NumberFormatException e) {
      throw invalid(key, "a number");
    }
  }

  boolean bool(String key) {
    return switch (text(key).toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, "true or false");
    };
  }

  IllegalArgumentException invalid(String key, String expected) {
    String shown = TelemetryJobOptions.isSecret(key) ? "(hidden)" : "'" + values.get(key) + "'";
    return new IllegalArgumentException(
        "telemetry option '" + key + "' must be " + expected + ", got " + shown);
  }
}
