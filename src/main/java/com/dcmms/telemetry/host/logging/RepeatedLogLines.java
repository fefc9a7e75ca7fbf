package com.dcmms.telemetry.host.logging;

import io.quarkus.logging.LoggingFilter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Holds back repeats of a library's log line (Kafka, Flink, Quarkus…): the first one passes, the
 * same line (numbers and ids aside) within {@link #WINDOW} after it does not, and the first one
 * after the window says how many were held back. Without it, a Kafka client whose credentials the
 * broker refuses logs every second, and every restart of the job adds a stack trace per task. Our
 * own lines, one per lifecycle event, always pass.
 */
@LoggingFilter(name = "repeated-lines")
public final class RepeatedLogLines implements Filter {
  static final Duration WINDOW = Duration.ofMinutes(5);
  private static final int MAX_LINES = 10_000;

  /** Numbers, addresses, hex ids: what changes between two repeats of one line. */
  private static final Pattern VARYING = Pattern.compile("[0-9a-fA-F]*[0-9][0-9a-fA-F]*");

  /**
   * The names Kafka's clients give themselves in every line ({@code [AdminClient clientId=…]}): the
   * sinks' and the source's clients report one refused password each, in one line.
   */
  private static final Pattern CLIENT_IDS =
      Pattern.compile("((?:clientId|transactionalId)=)[^,\\]\\s]*");

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public RepeatedLogLines() {
    this(System::currentTimeMillis);
  }

  RepeatedLogLines(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    String logger = record.getLoggerName();
    if (logger != null && logger.startsWith("com.dcmms.")) {
      return true;
    }
    if (seen.size() > MAX_LINES) {
      // Lines that differ in more than numbers: forget them all rather than grow without bound.
      seen.clear();
    }
    long now = clock.getAsLong();
    long[] heldBack = {-1};
    seen.compute(
        key(record),
        (key, s) -> {
          if (s == null || now - s.passedAt >= WINDOW.toMillis()) {
            heldBack[0] = s == null ? 0 : s.heldBack;
            return new Seen(now);
          }
          s.heldBack++;
          return s;
        });
    if (heldBack[0] > 0 && record instanceof ExtLogRecord ext) {
      ext.setMessage(
          ext.getFormattedMessage()
              + " ["
              + heldBack[0]
              + " more like this held back in "
              + "the last "
              + WINDOW.toMinutes()
              + " min]",
          ExtLogRecord.FormatStyle.NO_FORMAT);
      ext.setParameters(null);
    }
    return heldBack[0] >= 0;
  }

  private static String key(LogRecord record) {
    String message =
        record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
    StringBuilder key =
        new StringBuilder()
            .append(record.getLevel())
            .append(' ')
            .append(record.getLoggerName())
            .append(' ')
            .append(normalized(message));
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      key.append(" | ")
          .append(thrown.getClass().getName())
          .append(' ')
          .append(normalized(thrown.getMessage()));
    }
    return key.toString();
  }

  private static String normalized(String text) {
    return text == null
        ? ""
        : VARYING.matcher(CLIENT_IDS.matcher(text).replaceAll("$1#")).replaceAll("#");
  }

  /** When a line last passed, and how many like it were held back since. */
  private static final class Seen {
    final long passedAt;
    long heldBack;

    Seen(long passedAt) {
      this.passedAt = passedAt;
    }
  }
}
