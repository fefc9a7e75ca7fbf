package com.dcmms.telemetry.faults;

import com.dcmms.telemetry.job.rules.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline's own counters over one stretch of processing, summed over subtasks: records into
 * validation, rows written to QuestDB, readings emitted by dedup, duplicates dropped, dead letters
 * by reason, and the job's restarts.
 */
public record PipelineCounters(
    long in,
    long stored,
    long emitted,
    long exactDuplicates,
    long nearDuplicates,
    Map<RejectReason, Long> deadLettersByReason,
    long restarts) {

  private static final Pattern SERIES =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  public long duplicates() {
    return exactDuplicates + nearDuplicates;
  }

  public long deadLetters() {
    return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public long deadLetters(RejectReason reason) {
    return deadLettersByReason.getOrDefault(reason, 0L);
  }

  /**
   * The total of a Flink metric over the series whose labels (Flink's scope variables without
   * brackets: operator_name, kind, reason…) match.
   */
  public interface Source {
    double sum(String flinkName, Predicate<Map<String, String>> labels);
  }

  /** The counters from any view of the job's Flink metrics. */
  public static PipelineCounters from(Source m) {
    Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
    for (RejectReason r : RejectReason.values()) {
      byReason.put(r, (long) m.sum("telemetryRejected", l -> r.name().equals(l.get("reason"))));
    }
    return new PipelineCounters(
        (long) m.sum("numRecordsIn", l -> "validate".equals(l.get("operator_name"))),
        (long) m.sum("questdbRowsWritten", l -> true),
        (long) m.sum("telemetryEmitted", l -> true),
        (long) m.sum("telemetryDuplicatesDropped", l -> "exact".equals(l.get("kind"))),
        (long) m.sum("telemetryDuplicatesDropped", l -> "deadband".equals(l.get("kind"))),
        byReason,
        (long) m.sum("numRestarts", l -> true));
  }

  /**
   * The counters in a Prometheus scrape of the service ({@code GET /q/metrics}), where a Flink
   * metric is named {@code flink_<scope>_<name>}.
   */
  public static PipelineCounters fromPrometheus(String scrape) {
    return from(
        (name, labels) ->
            scrape
                .lines()
                .filter(line -> line.startsWith("flink_"))
                .map(SERIES::matcher)
                .filter(
                    s ->
                        s.matches()
                            && s.group(1).endsWith("_" + name)
                            && labels.test(labels(s.group(3))))
                .mapToDouble(s -> Double.parseDouble(s.group(4)))
                .sum());
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new java.util.HashMap<>();
    if (text != null) {
      Matcher m = LABEL.matcher(text);
      while (m.find()) {
        labels.put(m.group(1), m.group(2));
      }
    }
    return labels;
  }

  /** Each term and the identity, for test reports. */
  @Override
  public String toString() {
    return "in "
        + in
        + " = stored "
        + stored
        + " + duplicates "
        + duplicates()
        + " (exact "
        + exactDuplicates
        + ", near "
        + nearDuplicates
        + ") + dead letters "
        + deadLetters()
        + "; emitted "
        + emitted
        + ", restarts "
        + restarts;
  }
}
