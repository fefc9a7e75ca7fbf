package com.dcmms.telemetry.job.rules;

import java.io.Serializable;

/** An inclusive physical range of a sensor type's values. */
public record ValueRange(double min, double max) implements Serializable {
  public ValueRange {
    if (!(min <= max)) {
      throw new IllegalArgumentException("range min " + min + " is above max " + max);
    }
  }

  public boolean contains(double value) {
    return value >= min && value <= max;
  }

  /** Parses "min..max", e.g. "-50..150". */
  public static ValueRange parse(String text) {
    int sep = text.indexOf("..");
    if (sep < 0) {
      throw new IllegalArgumentException(
          "range '" + text + "' must look like MIN..MAX, e.g. -50..150");
    }
    try {
      return new ValueRange(
          Double.parseDouble(text.substring(0, sep).trim()),
          Double.parseDouble(text.substring(sep + 2).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "range '" + text + "' must look like MIN..MAX, e.g. -50..150");
    }
  }

  @Override
  public String toString() {
    return min + ".." + max;
  }
}
