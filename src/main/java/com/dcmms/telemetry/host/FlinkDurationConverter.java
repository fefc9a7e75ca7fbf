package com.dcmms.telemetry.host;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads the service's durations as the job reads its own ({@code 30s}, {@code 500ms}, {@code
 * 10min}; a bare number is milliseconds), not in Quarkus' syntax (bare number: seconds).
 */
public final class FlinkDurationConverter implements Converter<Duration> {
  private static final long serialVersionUID = 1L;

  @Override
  public Duration convert(String value) {
    return value == null || value.isBlank() ? null : TimeUtils.parseDuration(value.trim());
  }
}
