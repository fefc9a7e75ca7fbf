package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.tools.monitor.Sample;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The service's samples of one phase as CSV, a row per sample and a backpressure column per task: a
 * maximum in the table says how bad, this says which task and when (against the checkpoints and GC
 * log of the same run).
 */
final class SampleLog {
  private SampleLog() {}

  /**
   * Flink's backpressure gauge is the average of the last 60 s, in buckets updated every 5 s: a
   * sample reaches back up to 65 s.
   */
  static final long BACKPRESSURE_REACH_MILLIS = 65_000;

  /**
   * The samples whose backpressure figure covers only time after {@code sinceMillis}. Right after
   * the drain (saturated, so backpressured by design) the figure still averages the drain's last
   * seconds in.
   */
  static List<Sample> backpressureAfter(List<Sample> samples, long sinceMillis) {
    return samples.stream()
        .filter(s -> s.atMillis() >= sinceMillis + BACKPRESSURE_REACH_MILLIS)
        .toList();
  }

  /**
   * The checkpoints that completed in a stretch, each once: {@code count} of the ids from {@code
   * firstId} to {@code lastId} (the others failed, or left the service's list between two looks),
   * their duration's P99 (nearest rank) and maximum.
   */
  record Checkpoints(int count, long firstId, long lastId, long p99Ms, long maxMs) {}

  /**
   * Every checkpoint completed within {@code [fromMillis, toMillis]}, gathered by id from the
   * samples' lists of recent checkpoints; null when there is none.
   */
  static Checkpoints checkpoints(List<Sample> samples, long fromMillis, long toMillis) {
    TreeMap<Long, Long> durations = new TreeMap<>();
    for (Sample s : samples) {
      for (Sample.Checkpoint c : s.recentCheckpoints()) {
        if (c.completedAt() >= fromMillis && c.completedAt() <= toMillis) {
          durations.put(c.id(), c.durationMs());
        }
      }
    }
    if (durations.isEmpty()) {
      return null;
    }
    long[] sorted = durations.values().stream().mapToLong(Long::longValue).sorted().toArray();
    int p99 = (int) Math.ceil(0.99 * sorted.length) - 1;
    return new Checkpoints(
        sorted.length,
        durations.firstKey(),
        durations.lastKey(),
        sorted[p99],
        sorted[sorted.length - 1]);
  }

  /**
   * Back-pressured time over a stretch, from each subtask's accumulated back-pressured time: {@code
   * share} of the worst subtask over the whole stretch, and {@code worstWindowShare} of the worst
   * subtask between two consecutive samples (starting {@code windowStartMillis}).
   */
  record Backpressured(
      String subtask, double share, double worstWindowShare, long windowStartMillis) {}

  /**
   * Backpressure over exactly {@code [fromMillis, toMillis]}, by the first and last samples in it
   * that tell accumulated back-pressured time; null with fewer than two. Unlike Flink's 60 s
   * average, nothing from before the stretch counts.
   */
  static Backpressured backpressured(List<Sample> samples, long fromMillis, long toMillis) {
    List<Sample> in =
        samples.stream()
            .filter(
                s ->
                    s.atMillis() >= fromMillis
                        && s.atMillis() <= toMillis
                        && !s.backpressuredMs().isEmpty())
            .toList();
    if (in.size() < 2) {
      return null;
    }
    Sample first = in.get(0);
    Sample last = in.get(in.size() - 1);
    String worst = "";
    double share = 0;
    for (Map.Entry<String, Double> e : last.backpressuredMs().entrySet()) {
      Double before = first.backpressuredMs().get(e.getKey());
      double s =
          before == null ? 0 : (e.getValue() - before) / (last.atMillis() - first.atMillis());
      if (s >= share) {
        worst = e.getKey();
        share = s;
      }
    }
    double window = 0;
    long windowStart = first.atMillis();
    for (int i = 1; i < in.size(); i++) {
      Sample a = in.get(i - 1);
      Sample b = in.get(i);
      for (Map.Entry<String, Double> e : b.backpressuredMs().entrySet()) {
        Double before = a.backpressuredMs().get(e.getKey());
        double s = before == null ? 0 : (e.getValue() - before) / (b.atMillis() - a.atMillis());
        if (s > window) {
          window = s;
          windowStart = a.atMillis();
        }
      }
    }
    return new Backpressured(worst, share, window, windowStart);
  }

  /**
   * Where and when the highest backpressure was, and how many samples reached {@code threshold}.
   */
  record Peak(String task, double share, long atMillis, long samplesAtThreshold, long samples) {}

  static String csv(long startMillis, List<BenchRig.Tick> ticks) {
    TreeSet<String> tasks = new TreeSet<>();
    ticks.stream()
        .map(BenchRig.Tick::sample)
        .filter(Objects::nonNull)
        .forEach(s -> tasks.addAll(s.backpressure().keySet()));
    StringBuilder sb =
        new StringBuilder(
            "seconds,rss_mb,state,records_in,records_out,checkpoint_ms,checkpoint_bytes,consumer_lag");
    tasks.forEach(t -> sb.append(',').append(quoted("backpressure " + t)));
    sb.append('\n');
    for (BenchRig.Tick t : ticks) {
      sb.append(
          String.format(
              Locale.ROOT, "%.1f,%d", (t.atMillis() - startMillis) / 1000.0, t.rssBytes() >> 20));
      Sample s = t.sample();
      if (s == null) { // the service did not answer this time
        sb.append(",UNREACHABLE,,,,,").append(",".repeat(tasks.size())).append('\n');
        continue;
      }
      sb.append(',')
          .append(quoted(s.state()))
          .append(',')
          .append(s.recordsIn())
          .append(',')
          .append(s.recordsOut())
          .append(',')
          .append(s.checkpointDurationMs())
          .append(',')
          .append(s.checkpointSizeBytes())
          .append(',')
          .append(s.consumerLag());
      for (String task : tasks) {
        Double share = s.backpressure().get(task);
        sb.append(',').append(share == null ? "" : String.format(Locale.ROOT, "%.4f", share));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** Null when no sample had any backpressure. */
  static Peak peak(List<Sample> samples, double threshold) {
    String task = null;
    double share = 0;
    long at = 0;
    long atThreshold = 0;
    long counted = 0;
    for (Sample s : samples) {
      if (s.backpressure().isEmpty()) {
        continue;
      }
      counted++;
      if (s.maxBackpressure() >= threshold) {
        atThreshold++;
      }
      for (Map.Entry<String, Double> e : s.backpressure().entrySet()) {
        if (e.getValue() > share) {
          task = e.getKey();
          share = e.getValue();
          at = s.atMillis();
        }
      }
    }
    return task == null ? null : new Peak(task, share, at, atThreshold, counted);
  }

  private static String quoted(String field) {
    return "\"" + field.replace("\"", "\"\"") + "\"";
  }
}
