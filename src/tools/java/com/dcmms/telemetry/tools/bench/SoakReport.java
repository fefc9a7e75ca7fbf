package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.tools.loadgen.Percentiles;
import com.dcmms.telemetry.tools.monitor.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;

/**
 * The soak's verdict: each figure over the first and over the last window of the load, the change,
 * and whether it stayed flat: {@code last <= first x GROWTH + slack}, with a slack per kind of
 * figure so that a near-zero first window (no backpressure, a few ms) does not make noise a trend.
 * Injected faults are left out of both windows from their start until the pipeline caught up, and
 * listed with their recovery.
 */
final class SoakReport {
  static final double GROWTH = 1.2;
  static final double LATENCY_SLACK_MS = 100;
  static final double CHECKPOINT_SLACK_MS = 200;
  static final double STATE_SLACK_BYTES = 1 << 20;
  static final double RSS_SLACK_BYTES = 32 << 20;
  static final double BACKPRESSURE_SLACK = 0.02;

  /** Consumer lag may grow by one second of input. */
  static final double LAG_SLACK_SECONDS = 1;

  /** How a figure's values read. */
  enum Unit {
    MS,
    BYTES,
    SHARE,
    RECORDS;

    String format(double v) {
      if (Double.isNaN(v)) {
        return "n/a";
      }
      return switch (this) {
        case MS -> String.format(Locale.ROOT, "%.0f ms", v);
        case BYTES -> String.format(Locale.ROOT, "%.1f MB", v / 1048576.0);
        case SHARE -> String.format(Locale.ROOT, "%.1f %%", v * 100);
        case RECORDS -> String.format(Locale.ROOT, "%,.0f", v);
      };
    }
  }

  /** One figure in both windows; NaN where a window saw nothing to measure. */
  record Row(String figure, Unit unit, double first, double last, double slack) {
    double limit() {
      return first * GROWTH + slack;
    }

    boolean measured() {
      return !Double.isNaN(first) && !Double.isNaN(last);
    }

    boolean flat() {
      return measured() && last <= limit();
    }

    String change() {
      if (!measured()) {
        return "n/a";
      }
      if (first == 0) {
        return (last >= 0 ? "+" : "") + unit.format(last);
      }
      return String.format(Locale.ROOT, "%+.0f %%", (last - first) / first * 100);
    }

    String verdict() {
      return !measured() ? "no data" : flat() ? "flat" : "GROWING";
    }
  }

  /**
   * What the soak recorded: the service's ticks and latency points (produce epoch ms, latency ms)
   * per output.
   */
  record Recorded(
      List<BenchRig.Tick> ticks, List<double[]> questDb, List<double[]> readCommitted) {}

  /** A stretch of the load, {@code [from, to)} in epoch ms. */
  record Window(long from, long to) {
    boolean holds(long atMillis) {
      return atMillis >= from && atMillis < to;
    }
  }

  private final String title;
  private final Duration window;
  private final double rate;
  private final List<Row> rows;
  private final String coverage;
  private final List<Recovery> faults;
  private final long startMillis;

  private SoakReport(
      String title,
      Duration window,
      double rate,
      List<Row> rows,
      String coverage,
      List<Recovery> faults,
      long startMillis) {
    this.title = title;
    this.window = window;
    this.rate = rate;
    this.rows = rows;
    this.coverage = coverage;
    this.faults = faults;
    this.startMillis = startMillis;
  }

  /**
   * Compares the first and the last {@code window} of a load that ran from {@code startMillis} for
   * {@code duration}.
   */
  static SoakReport compare(
      String title, Recorded r, long startMillis, Duration duration, Duration window, double rate) {
    return compare(title, r, startMillis, duration, window, rate, List.of());
  }

  /** As above, leaving each of {@code faults} out from its start until the pipeline caught up. */
  static SoakReport compare(
      String title,
      Recorded r,
      long startMillis,
      Duration duration,
      Duration window,
      double rate,
      List<Recovery> faults) {
    long end = startMillis + duration.toMillis();
    Windows w =
        new Windows(
            r,
            new Window(startMillis, startMillis + window.toMillis()),
            new Window(end - window.toMillis(), end),
            faults);
    List<Row> rows =
        List.of(
            w.latency("QuestDB-visible latency P50", r.questDb(), 50),
            w.latency("QuestDB-visible latency P99", r.questDb(), 99),
            w.latency("read-committed latency P50", r.readCommitted(), 50),
            w.latency("read-committed latency P99", r.readCommitted(), 99),
            w.sampled(
                "checkpoint duration, avg",
                Unit.MS,
                CHECKPOINT_SLACK_MS,
                Sample::checkpointDurationMs,
                Stat.AVG),
            w.sampled(
                "checkpoint duration, max",
                Unit.MS,
                CHECKPOINT_SLACK_MS,
                Sample::checkpointDurationMs,
                Stat.MAX),
            w.sampled(
                "checkpoint size (state), max",
                Unit.BYTES,
                STATE_SLACK_BYTES,
                Sample::checkpointSizeBytes,
                Stat.MAX),
            w.rss("service RSS, avg", Stat.AVG),
            w.rss("service RSS, max", Stat.MAX),
            w.sampled(
                "backpressure, max over tasks",
                Unit.SHARE,
                BACKPRESSURE_SLACK,
                Sample::maxBackpressure,
                Stat.MAX),
            w.sampled(
                "consumer lag, max (records)",
                Unit.RECORDS,
                rate * LAG_SLACK_SECONDS,
                Sample::consumerLag,
                Stat.MAX));
    return new SoakReport(
        title, window, rate, rows, w.coverage(), List.copyOf(faults), startMillis);
  }

  List<Row> rows() {
    return rows;
  }

  long growing() {
    return rows.stream().filter(row -> !row.flat()).count();
  }

  /** The rule as the report states it. */
  String rule() {
    return String.format(
            Locale.ROOT,
            "A figure is **flat** when last ≤ first × %.1f + slack; the slack is %.0f ms for "
                + "latency, %.0f ms for checkpoint duration, %s for checkpoint size, %s for RSS, %.0f points of "
                + "backpressure and %.0f s of input (%,.0f records) of consumer lag.",
            GROWTH,
            LATENCY_SLACK_MS,
            CHECKPOINT_SLACK_MS,
            Unit.BYTES.format(STATE_SLACK_BYTES),
            Unit.BYTES.format(RSS_SLACK_BYTES),
            BACKPRESSURE_SLACK * 100,
            LAG_SLACK_SECONDS,
            rate * LAG_SLACK_SECONDS)
        + (faults.isEmpty()
            ? ""
            : " Each fault is left out of both windows from its start until the pipeline "
                + "caught up (never caught up: until the end), samples by their time and latencies when the reading was "
                + "in flight during it.");
  }

  /** The table, the rule and the outcome lines, as Markdown. */
  String markdown(List<String> outcome, String plotFile) {
    String span = span(window);
    StringBuilder sb =
        new StringBuilder("# Soak\n\n")
            .append(title)
            .append("\n\n")
            .append("Each figure over the first and the last ")
            .append(span)
            .append(" of the load: latencies of the ")
            .append(
                "sampled readings by produce time; the service sampled every few seconds (checkpoint figures are ")
            .append("the latest completed checkpoint at each sample). ")
            .append(rule())
            .append("\n\n")
            .append("| figure | first ")
            .append(span)
            .append(" | last ")
            .append(span)
            .append(" | change | flat if last ≤ | |\n|---|---:|---:|---:|---:|---|\n");
    for (Row row : rows) {
      sb.append("| ")
          .append(row.figure())
          .append(" | ")
          .append(row.unit().format(row.first()))
          .append(" | ")
          .append(row.unit().format(row.last()))
          .append(" | ")
          .append(row.change())
          .append(" | ")
          .append(row.unit().format(row.limit()))
          .append(" | ")
          .append(row.flat() ? "flat" : "**" + row.verdict() + "**")
          .append(" |\n");
    }
    sb.append('\n');
    if (!faults.isEmpty()) {
      sb.append(Recovery.markdown(faults, startMillis)).append('\n');
    }
    sb.append("- samples: ").append(coverage).append('\n');
    outcome.forEach(line -> sb.append("- ").append(line).append('\n'));
    return sb.append("\n![RSS, checkpoint size and latency over the soak](")
        .append(plotFile)
        .append(")\n")
        .toString();
  }

  /**
   * The P99 of each {@code bucket} of produce time, placed at the bucket's start: a long run's
   * latency, plottable.
   */
  static List<double[]> p99ByBucket(List<double[]> points, Duration bucket) {
    TreeMap<Long, Percentiles> buckets = new TreeMap<>();
    long b = bucket.toMillis();
    for (double[] p : points) {
      buckets
          .computeIfAbsent(Math.floorDiv((long) p[0], b) * b, k -> new Percentiles())
          .add((long) (p[1] * 1000));
    }
    List<double[]> out = new ArrayList<>();
    buckets.forEach((at, pct) -> out.add(new double[] {at, pct.at(99)[0] / 1000.0}));
    return out;
  }

  static String span(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  private enum Stat {
    AVG,
    MAX
  }

  /** The recording, its two windows and the faults they leave out; each method makes one row. */
  private record Windows(Recorded r, Window first, Window last, List<Recovery> faults) {
    Row latency(String figure, List<double[]> points, double p) {
      return new Row(
          figure,
          Unit.MS,
          percentile(points(points, first), p),
          percentile(points(points, last), p),
          LATENCY_SLACK_MS);
    }

    Row sampled(String figure, Unit unit, double slack, ToDoubleFunction<Sample> value, Stat stat) {
      return new Row(
          figure,
          unit,
          reduce(samples(first).mapToDouble(value), stat),
          reduce(samples(last).mapToDouble(value), stat),
          slack);
    }

    Row rss(String figure, Stat stat) {
      return new Row(
          figure,
          Unit.BYTES,
          reduce(ticks(first).mapToDouble(BenchRig.Tick::rssBytes), stat),
          reduce(ticks(last).mapToDouble(BenchRig.Tick::rssBytes), stat),
          RSS_SLACK_BYTES);
    }

    /** How much each window saw, so that a reader can tell a verdict from too few samples. */
    String coverage() {
      String text =
          String.format(
              Locale.ROOT,
              "first window %d of the service, %d + %d latencies; last window %d, %d + %d",
              samples(first).count(),
              points(r.questDb(), first).count(),
              points(r.readCommitted(), first).count(),
              samples(last).count(),
              points(r.questDb(), last).count(),
              points(r.readCommitted(), last).count());
      if (faults.isEmpty()) {
        return text;
      }
      long ticks = r.ticks().stream().filter(t -> inFault(t.atMillis(), t.atMillis())).count();
      long latencies =
          Stream.concat(r.questDb().stream(), r.readCommitted().stream())
              .filter(x -> inFault((long) x[0], (long) (x[0] + x[1])))
              .count();
      return text
          + String.format(
              Locale.ROOT,
              "; left out as within a fault: %d of the service, %d latencies",
              ticks,
              latencies);
    }

    /**
     * Whether {@code [from, to]} meets a fault's stretch, from its start until the pipeline caught
     * up.
     */
    private boolean inFault(long from, long to) {
      return faults.stream().anyMatch(f -> from <= f.untilMillis() && to >= f.atMillis());
    }

    /** The latencies of readings produced in {@code w} and not in flight during a fault. */
    private Stream<double[]> points(List<double[]> points, Window w) {
      return points.stream()
          .filter(x -> w.holds((long) x[0]) && !inFault((long) x[0], (long) (x[0] + x[1])));
    }

    private Stream<BenchRig.Tick> ticks(Window w) {
      return r.ticks().stream()
          .filter(t -> w.holds(t.atMillis()) && !inFault(t.atMillis(), t.atMillis()));
    }

    private Stream<Sample> samples(Window w) {
      return ticks(w).map(BenchRig.Tick::sample).filter(Objects::nonNull);
    }

    private static double percentile(Stream<double[]> points, double p) {
      Percentiles pct = new Percentiles();
      points.forEach(x -> pct.add((long) (x[1] * 1000)));
      long[] v = pct.at(p);
      return v.length == 0 ? Double.NaN : v[0] / 1000.0;
    }

    /**
     * Max or mean, unknown values (negative: no checkpoint yet, no lag metric) left out; NaN when
     * none is left.
     */
    private static double reduce(DoubleStream values, Stat stat) {
      DoubleStream known = values.filter(v -> v >= 0);
      return (stat == Stat.MAX ? known.max() : known.average()).orElse(Double.NaN);
    }
  }
}
