package com.dcmms.telemetry.tools.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the tools' command lines in the job's own syntax (Flink's {@link
 * TimeUtils#parseDuration}): {@code 30s}, {@code 500ms}, {@code 10min}, {@code 2m}; a bare number
 * is milliseconds.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String text) {
    return parse(text);
  }

  /** Parses {@code text}, or says which syntax it needs. */
  public static Duration parse(String text) {
    try {
      return TimeUtils.parseDuration(text);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new TypeConversionException(
          "'"
              + text
              + "' is not a duration; use e.g. 30s, 500ms, 10min "
              + "(a bare number is milliseconds)");
    }
  }
}
