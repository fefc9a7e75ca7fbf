package com.dcmms.telemetry.tools.bench;

import static com.dcmms.telemetry.tools.bench.BenchRig.say;

import com.dcmms.telemetry.testkit.ChildProcess;
import com.dcmms.telemetry.tools.monitor.Sample;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's fixed-rate phase at one checkpoint interval, and its rows in the table. */
final class FixedRatePhase {
  /** Targets of the issue: QuestDB-visible P99, checkpoint duration P99, RSS, backpressure. */
  static final long QUESTDB_P99_MS = 1_000;

  static final long CHECKPOINT_P99_MS = 500;
  static final long RSS_BYTES = 512L << 20;
  static final double BACKPRESSURE = 0.01;
  private final BenchOptions o;
  private final BenchRig rig;
  private final BenchTable table;

  FixedRatePhase(BenchOptions o, BenchRig rig, BenchTable table) {
    this.o = o;
    this.rig = rig;
    this.table = table;
  }

  /** What the phase leaves for the rest of the run: whether it verified, and its RSS maximum. */
  record Outcome(boolean verified, long maxRss) {}

  /**
   * Runs the phase on the service as it is (checkpoints every {@code interval}): {@code --warmup}
   * at the rate, unmeasured (JIT, RocksDB, first checkpoints), then the load generator with {@code
   * --verify} while the service is sampled; rows are labelled with the interval. Backpressure
   * counts only where Flink's average no longer reaches back to {@code quietSinceMillis} (the end
   * of the drain, or of a restart, named by {@code quietSince}).
   */
  Outcome run(
      ChildProcess service,
      ChildProcess servers,
      Duration interval,
      long quietSinceMillis,
      String quietSince)
      throws Exception {
    String name = "fixed-" + BenchOptions.span(interval).replace(" ", "");
    String label = BenchOptions.span(interval) + " interval: ";
    if (!o.warmup().isZero()) {
      say("warm-up: %,.0f events/s for %d s, not measured", o.rate(), o.warmup().toSeconds());
      rig.loadTest(name + "-warmup", 0, o.warmup(), o.rate(), false);
    }
    CpuShare cpu = new CpuShare(service, servers);
    BenchRig.Loaded loaded = rig.loadWhileSampling(service, name, null);
    List<Sample> samples = loaded.samples();
    JsonNode r = loaded.report();
    double rateAchieved = r.path("rateAchieved").asDouble();
    table.check(
        label + String.format(Locale.ROOT, "fixed rate (events/s, %d s)", o.duration().toSeconds()),
        Benchmark.rate(rateAchieved),
        String.format(Locale.ROOT, "%.0f", o.rate()),
        "",
        rateAchieved >= 0.98 * o.rate());
    latencyRows(label + "QuestDB-visible", r.path("questDb"), QUESTDB_P99_MS, "<= 1 s");
    long rcTarget = interval.toMillis() + 1_000;
    latencyRows(
        label + "read-committed",
        r.path("validatedTelemetry"),
        rcTarget,
        "<= " + BenchOptions.span(Duration.ofMillis(rcTarget)) + " (interval + 1 s)");
    checkpointRows(label, samples, loaded.startMillis());
    long stateSize = samples.stream().mapToLong(Sample::checkpointSizeBytes).max().orElse(-1);
    table.info(label + "checkpoint size, max", Benchmark.mb(stateSize));
    backpressureRows(label, samples, quietSinceMillis, quietSince, loaded.startMillis());
    long lag = samples.stream().mapToLong(Sample::consumerLag).max().orElse(-1);
    table.info(label + "consumer lag, max (records)", Long.toString(lag));
    long rss = loaded.maxRss();
    table.check(
        label + "service RSS, max at fixed rate",
        Benchmark.mb(rss),
        "<= 512 MB",
        "",
        rss > 0 && rss <= RSS_BYTES);
    table.info(label + "CPU incl. verify: service / Kafka + QuestDB (cores)", cpu.since());
    boolean verified = r.path("verified").asBoolean(false);
    table.verify(label + "verify: exact readings, records and dead letters", verified);
    writePlot(r, interval, Benchmark.latencyPlot(interval));
    Files.writeString(
        o.out().resolve(name + "-samples.csv"),
        SampleLog.csv(loaded.startMillis(), loaded.ticks()));
    return new Outcome(verified, rss);
  }

  /**
   * Every checkpoint completed while the load ran, by id, not only those the samples saw as latest.
   */
  private void checkpointRows(String label, List<Sample> samples, long startMillis) {
    SampleLog.Checkpoints c =
        SampleLog.checkpoints(samples, startMillis, startMillis + o.duration().toMillis());
    if (c == null) {
      table.check(
          label + "checkpoint duration P99 (ms)",
          "no checkpoint",
          "<= " + CHECKPOINT_P99_MS,
          "",
          false);
      return;
    }
    table.check(
        label + "checkpoint duration P99 (ms)",
        Long.toString(c.p99Ms()),
        "<= " + CHECKPOINT_P99_MS,
        "",
        c.p99Ms() <= CHECKPOINT_P99_MS);
    table.info(
        label + "checkpoint duration max (ms); checkpoints counted",
        String.format(
            Locale.ROOT, "%d; %d of ids %d-%d", c.maxMs(), c.count(), c.firstId(), c.lastId()));
  }

  /**
   * The target is judged on back-pressured time over exactly the measured load, from each subtask's
   * accumulated time. Flink's 60 s average is shown beside it, only for samples whose average
   * starts after {@code sinceMillis} (a drain is backpressured by design); times are seconds into
   * the phase, as in the samples' CSV.
   */
  private void backpressureRows(
      String label, List<Sample> samples, long sinceMillis, String since, long startMillis) {
    String figure = label + "backpressure over the phase, worst subtask";
    SampleLog.Backpressured phase =
        SampleLog.backpressured(samples, startMillis, startMillis + o.duration().toMillis());
    if (phase == null) {
      table.check(figure, "no samples", "< 1 %", "", false);
    } else {
      table.check(figure, Benchmark.pct(phase.share()), "< 1 %", "", phase.share() < BACKPRESSURE);
      table.info(
          label + "backpressure: worst subtask; worst look-to-look stretch",
          String.format(
              Locale.ROOT,
              "%s; %s at %.0f s",
              phase.subtask(),
              Benchmark.pct(phase.worstWindowShare()),
              (phase.windowStartMillis() - startMillis) / 1000.0));
    }
    List<Sample> after = SampleLog.backpressureAfter(samples, sinceMillis);
    if (after.isEmpty()) {
      table.info(
          label + "backpressure (Flink's 60 s average), max", "no sample 65 s after " + since);
      return;
    }
    double backpressure = after.stream().mapToDouble(Sample::maxBackpressure).max().orElse(0);
    SampleLog.Peak peak = SampleLog.peak(after, BACKPRESSURE);
    table.info(
        label + "backpressure (Flink's 60 s average), max over tasks and samples",
        peak == null
            ? Benchmark.pct(backpressure)
            : String.format(
                Locale.ROOT,
                "%s (%s at %.0f s; %d of %d samples" + " >= 1 %%)",
                Benchmark.pct(backpressure),
                peak.task(),
                (peak.atMillis() - startMillis) / 1000.0,
                peak.samplesAtThreshold(),
                peak.samples()));
    int early = samples.size() - after.size();
    if (early > 0) {
      double max =
          samples.subList(0, early).stream().mapToDouble(Sample::maxBackpressure).max().orElse(0);
      table.info(
          label + "backpressure: samples within 65 s of " + since + ", not counted",
          String.format(Locale.ROOT, "%d, max %s", early, Benchmark.pct(max)));
    }
  }

  private void latencyRows(String what, JsonNode n, long targetMs, String target) {
    if (n.path("count").asLong() == 0) {
      table.check(what + " latency P99", "no samples", target, "", false);
      return;
    }
    table.info(
        what + " latency P50 / P95",
        String.format(
            Locale.ROOT, "%.0f / %.0f ms", n.path("p50Ms").asDouble(), n.path("p95Ms").asDouble()));
    double p99 = n.path("p99Ms").asDouble();
    table.check(
        what + " latency P99",
        String.format(Locale.ROOT, "%.0f ms", p99),
        target,
        "",
        p99 <= targetMs && n.path("unseen").asLong() == 0);
    table.info(
        what + " latency max",
        String.format(
            Locale.ROOT,
            "%.0f ms (%d samples, %d unseen)",
            n.path("maxMs").asDouble(),
            n.path("count").asLong(),
            n.path("unseen").asLong()));
  }

  private void writePlot(JsonNode r, Duration interval, String file) throws IOException {
    List<LatencyPlot.Series> series =
        List.of(
            new LatencyPlot.Series(
                "QuestDB-visible", "#1f77b4", points(r.path("questDb").path("series"))),
            new LatencyPlot.Series(
                "read-committed validated_telemetry",
                "#d62728",
                points(r.path("validatedTelemetry").path("series"))));
    Files.writeString(
        o.out().resolve(file),
        LatencyPlot.svg(
            String.format(
                Locale.ROOT,
                "End-to-end latency at %.0f events/s (parallelism %d, checkpoints every %s)",
                o.rate(),
                o.parallelism(),
                BenchOptions.span(interval)),
            series));
  }

  static List<double[]> points(JsonNode series) {
    List<double[]> out = new ArrayList<>();
    series.forEach(p -> out.add(new double[] {p.get(0).asDouble(), p.get(1).asDouble()}));
    return out;
  }
}
