package com.dcmms.telemetry.job.rules;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/** The contract's event time: epoch milliseconds or ISO-8601, within the age and skew bounds. */
final class Timestamps {
  /** Below this a positive timestamp is more likely epoch seconds (before 1973 in millis). */
  private static final long SECONDS_HINT_BELOW = 100_000_000_000L;

  /**
   * Above this a timestamp is more likely epoch micro- or nanoseconds: in milliseconds it is after
   * the year 33 000, beyond any ISO-8601 date a device sends.
   */
  private static final long MICROS_HINT_ABOVE = 1_000_000_000_000_000L;

  private Timestamps() {}

  /** Epoch milliseconds from the parser's current, non-null token. */
  static long read(JsonParser p) throws IOException, RejectedRecordException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getLongValue();
      } catch (InputCoercionException e) {
        throw new RejectedRecordException(
            RejectReason.INVALID_TIMESTAMP,
            "timestamp " + p.getText() + " is out of range for epoch milliseconds");
      }
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double ms = p.getDoubleValue();
      if (!Double.isFinite(ms) || Math.abs(ms) > 9.0e15) {
        throw new RejectedRecordException(
            RejectReason.INVALID_TIMESTAMP,
            "timestamp " + p.getText() + " is not a usable epoch milliseconds value");
      }
      return (long) Math.floor(ms);
    }
    if (t == JsonToken.VALUE_STRING) {
      return parseIso(p.getText());
    }
    throw EventValidator.wrongType("timestamp", "epoch milliseconds or an ISO-8601 string", t);
  }

  /** ISO-8601 date-time; without an offset it is taken as UTC, as the contract's timestamps are. */
  static long parseIso(String text) throws RejectedRecordException {
    try {
      TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parse(text.trim());
      Instant instant =
          parsed.isSupported(ChronoField.OFFSET_SECONDS)
              ? Instant.from(parsed)
              : LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
      return instant.toEpochMilli();
    } catch (DateTimeException | ArithmeticException e) {
      // Digits in quotes are the commonest mistake; say what to send instead.
      String hint =
          text.trim().matches("-?[0-9]+(\\.[0-9]+)?")
              ? " (epoch milliseconds must be a JSON number, not a string)"
              : "";
      throw new RejectedRecordException(
          RejectReason.INVALID_TIMESTAMP,
          "timestamp '" + TextRules.abbreviate(text) + "' is not an ISO-8601 date-time" + hint);
    }
  }

  static void checkAge(long timestamp, long nowMillis, long maxAgeMillis, long maxSkewMillis)
      throws RejectedRecordException {
    if (timestamp < nowMillis - maxAgeMillis) {
      String hint =
          timestamp > 0 && timestamp < SECONDS_HINT_BELOW
              ? " (it looks like epoch seconds; the contract wants epoch milliseconds)"
              : "";
      throw new RejectedRecordException(
          RejectReason.TIMESTAMP_TOO_OLD,
          "timestamp "
              + timestamp
              + " is older than the accepted age of "
              + Duration.ofMillis(maxAgeMillis)
              + hint);
    }
    if (timestamp > nowMillis + maxSkewMillis) {
      String hint =
          timestamp > MICROS_HINT_ABOVE
              ? " (it looks like epoch micro- or nanoseconds; the contract wants epoch milliseconds)"
              : "";
      throw new RejectedRecordException(
          RejectReason.TIMESTAMP_IN_FUTURE,
          "timestamp "
              + timestamp
              + " is more than "
              + Duration.ofMillis(maxSkewMillis)
              + " ahead of processing time"
              + hint);
    }
  }
}
