package com.dcmms.telemetry.tools.bench;

import static com.dcmms.telemetry.tools.bench.BenchRig.say;

import com.dcmms.telemetry.tools.monitor.Sample;
import com.dcmms.telemetry.tools.monitor.ServiceSource;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark ({@code bench/run}): real Kafka and QuestDB (the dev servers), a pre-loaded topic
 * drained by the bare baseline (1 and 2 threads) and by the packaged service, then the service at
 * a fixed rate with end-to-end latencies, checkpoints, backpressure, lag, RSS and CPU. It prints
 * one table and writes it, with a latency plot, under {@code --out}. With {@code --soak} it runs
 * {@link Soak} instead. See {@link BenchOptions}; the servers, service and sampling are {@link BenchRig}.
 */
public final class Benchmark {
  /** The fixed-rate phase's samples of the service, one row each. */
  static final String SAMPLES = "fixed-samples.csv";
  private final BenchOptions o;
  private final BenchRig rig;
  private final BenchTable table = new BenchTable();

  private Benchmark(BenchOptions o) {
    this.o = o;
    this.rig = new BenchRig(o);
  }

  public static void main(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage() + "\n" + BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    java.util.logging.Logger.getLogger("org.apache.kafka").setLevel(java.util.logging.Level.WARNING);
    System.exit(o.soak() ? new Soak(o).run() : new Benchmark(o).run());
  }

  private int run() throws Exception {
    Files.createDirectories(o.out());
    say("benchmark: %s; output under %s", o.describe(), o.out());
    try (ChildProcess servers = rig.startServers()) {
      // A backlog as a gateway collects it while the pipeline is down: readings recorded at the
      // fixed rate (each sensor about once a second), sent as fast as possible. Sent with
      // event time = send time, 5 M events would put ~500 readings of each sensor in one dedup
      // window, a density no sensor of the profile reaches.
      JsonNode preload = rig.loadTest("preload", o.events(), null, 0, o.rate(), false);
      long expected = preload.path("expectedReadings").asLong();
      say("pre-loaded %d events (%d distinct readings expected) at %.0f events/s",
          preload.path("sent").asLong(), expected, preload.path("rateAchieved").asDouble());

      double base1 = baseline(1);
      double base2 = baseline(2);
      double baseline = Math.max(base1, base2);
      table.info("bare baseline, 1 thread (events/s)", rate(base1));
      table.info("bare baseline, 2 threads (events/s)", rate(base2));

      try (ChildProcess service = rig.startService()) {
        Drain drain = drain(service, servers, expected);
        table.check("service drain, all features on (events/s)", rate(drain.rate()),
            ">= 100,000 and >= 0.5x baseline", ratio(drain.rate() / baseline),
            drain.rate() >= 100_000 && drain.rate() >= 0.5 * baseline);
        table.info("service RSS peak while draining", mb(drain.peakRss()));
        table.info("CPU while draining: service / Kafka + QuestDB (cores)", drain.cpu());
        // Exit 1 only when data was lost or mangled; a missed target shows in the table.
        return finish(fixedRate(service, servers, drain) ? 0 : 1);
      }
    }
  }

  private int finish(int status) throws IOException {
    String text = table.text();
    System.out.println();
    System.out.print(text);
    Path md = o.out().resolve("report.md");
    Files.writeString(md, "# Benchmark\n\n" + o.describe() + "\n\n" + table.markdown()
        + "\n![end-to-end latency](latency.svg)\n");
    say("wrote %s, %s and %s", md, o.out().resolve("latency.svg"), o.out().resolve(SAMPLES));
    return status;
  }

  // The phases.

  private double baseline(int threads) throws Exception {
    BareBaseline.Result r = BareBaseline.run(rig.kafka(), "raw_telemetry", o.events(), threads, "127.0.0.1",
        rig.questDbHttp(), "baseline_" + threads + "t");
    say("bare baseline, %d thread(s): %d events (%d stored, %d rejected) in %.1f s = %.0f events/s",
        threads, r.events(), r.stored(), r.rejected(), r.elapsed().toMillis() / 1000.0, r.eventsPerSecond());
    return r.eventsPerSecond();
  }

  record Drain(double rate, long peakRss, double seconds, String cpu, long endedAtMillis) {}

  /** From the job running to every expected row written by the sink, sampled every second. */
  private Drain drain(ChildProcess service, ChildProcess servers, long expected) throws Exception {
    CpuShare cpu = new CpuShare(service, servers);
    ServiceSource source = rig.serviceSource();
    long startNanos = 0;
    long peakRss = 0;
    long deadline = System.nanoTime() + o.drainTimeout().toNanos();
    Sample last = null;
    while (System.nanoTime() < deadline) {
      BenchRig.requireAlive(service);
      Sample s = BenchRig.trySample(source);
      peakRss = Math.max(peakRss, service.rssBytes());
      if (s != null && "RUNNING".equals(s.state()) && startNanos == 0) {
        startNanos = System.nanoTime();
      }
      if (s != null && startNanos != 0 && s.recordsOut() >= expected) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = o.events() / seconds;
        say("drained %d events in %.1f s = %.0f events/s", o.events(), seconds, rate);
        return new Drain(rate, peakRss, seconds, cpu.since(), System.currentTimeMillis());
      }
      if (s != null && startNanos != 0 && (last == null || s.atMillis() - last.atMillis() >= 5_000)) {
        say("  draining: %d read, %d stored of %d", s.recordsIn(), s.recordsOut(), expected);
        last = s;
      }
      Thread.sleep(1_000); // a sampling period, not a wait for a condition
    }
    throw new IllegalStateException("the service did not drain the topic within " + o.drainTimeout());
  }

  /**
   * The fixed-rate phase: a load test with --verify while the service is sampled; false on a
   * failed check. It starts from a steady state, as a user's pipeline runs: QuestDB done with
   * the drain's backlog, then --warmup at the rate, unmeasured (JIT, RocksDB, first checkpoints).
   */
  private boolean fixedRate(ChildProcess service, ChildProcess servers, Drain drain) throws Exception {
    // The service runs with the job's default table.
    double applied = rig.awaitQuestDbApplied(
        com.dcmms.telemetry.job.TelemetryJobOptions.defaults().questDbTable(), o.drainTimeout());
    say("QuestDB applied the drain's backlog %.1f s after the drain", applied);
    table.info("QuestDB WAL fully applied after the drain (s)", String.format(Locale.ROOT, "%.1f", applied));
    if (!o.warmup().isZero()) {
      say("warm-up: %,.0f events/s for %d s, not measured", o.rate(), o.warmup().toSeconds());
      rig.loadTest("warmup", 0, o.warmup(), o.rate(), false);
    }
    CpuShare cpu = new CpuShare(service, servers);
    BenchRig.Loaded loaded = rig.loadWhileSampling(service, "fixed");
    List<Sample> samples = loaded.samples();
    JsonNode r = loaded.report();
    double rateAchieved = r.path("rateAchieved").asDouble();
    table.check(String.format(Locale.ROOT, "fixed rate (events/s, %d s)", o.duration().toSeconds()),
        rate(rateAchieved), String.format(Locale.ROOT, "%.0f", o.rate()), "",
        rateAchieved >= 0.98 * o.rate());
    latencyRows("QuestDB-visible", r.path("questDb"), 1_000, "<= 1 s");
    long rcTarget = o.checkpointInterval().toMillis() + 1_000;
    latencyRows("read-committed", r.path("validatedTelemetry"), rcTarget,
        String.format(Locale.ROOT, "<= %.0f s (interval + 1 s)", rcTarget / 1000.0));
    long maxCheckpoint = samples.stream().mapToLong(Sample::checkpointDurationMs).max().orElse(-1);
    table.check("checkpoint duration, max (ms)", Long.toString(maxCheckpoint), "<= 1000", "",
        maxCheckpoint >= 0 && maxCheckpoint <= 1_000);
    long stateSize = samples.stream().mapToLong(Sample::checkpointSizeBytes).max().orElse(-1);
    table.info("checkpoint size, max", mb(stateSize));
    backpressureRows(samples, drain, loaded.startMillis());
    long lag = samples.stream().mapToLong(Sample::consumerLag).max().orElse(-1);
    table.info("consumer lag, max (records)", Long.toString(lag));
    long fixedRss = loaded.maxRss();
    long peakRss = Math.max(drain.peakRss(), fixedRss);
    table.check("service RSS, max at fixed rate", mb(fixedRss), "<= 512 MB", "", fixedRss > 0 && fixedRss <= 512L << 20);
    table.info("service RSS, max over the whole run", mb(peakRss));
    table.info("CPU, fixed-rate phase incl. verify: service / Kafka + QuestDB (cores)", cpu.since());
    boolean verified = r.path("verified").asBoolean(false);
    table.check("verify: exact readings, records and dead letters", verified ? "PASS" : "FAIL", "PASS", "", verified);
    writePlot(r);
    Files.writeString(o.out().resolve(SAMPLES), SampleLog.csv(loaded.startMillis(), loaded.ticks()));
    return verified;
  }

  /**
   * Only samples whose 60 s average starts after the drain: the drain is backpressured by design
   * (times are seconds into the phase, as in the samples' CSV).
   */
  private void backpressureRows(List<Sample> samples, Drain drain, long startMillis) {
    List<Sample> after = SampleLog.backpressureAfter(samples, drain.endedAtMillis());
    String figure = "backpressure (Flink's 60 s average), max over tasks and samples";
    if (after.isEmpty()) {
      table.check(figure, "no sample 65 s after the drain", "< 1 %", "", false);
      return;
    }
    double backpressure = after.stream().mapToDouble(Sample::maxBackpressure).max().orElse(0);
    table.check(figure, pct(backpressure), "< 1 %", "", backpressure < 0.01);
    SampleLog.Peak peak = SampleLog.peak(after, 0.01);
    if (peak != null) {
      table.info("backpressure: task at the max; samples at >= 1 %", String.format(Locale.ROOT,
          "%s at %.0f s; %d of %d", peak.task(), (peak.atMillis() - startMillis) / 1000.0,
          peak.samplesAtThreshold(), peak.samples()));
    }
    int early = samples.size() - after.size();
    if (early > 0) {
      double max = samples.subList(0, early).stream().mapToDouble(Sample::maxBackpressure).max().orElse(0);
      table.info("backpressure: samples within 65 s of the drain, not counted", String.format(Locale.ROOT,
          "%d, max %s", early, pct(max)));
    }
  }

  private void latencyRows(String what, JsonNode n, long targetMs, String target) {
    if (n.path("count").asLong() == 0) {
      table.check(what + " latency P99", "no samples", target, "", false);
      return;
    }
    table.info(what + " latency P50 / P95", String.format(Locale.ROOT, "%.0f / %.0f ms",
        n.path("p50Ms").asDouble(), n.path("p95Ms").asDouble()));
    double p99 = n.path("p99Ms").asDouble();
    table.check(what + " latency P99", String.format(Locale.ROOT, "%.0f ms", p99), target, "",
        p99 <= targetMs && n.path("unseen").asLong() == 0);
    table.info(what + " latency max", String.format(Locale.ROOT, "%.0f ms (%d samples, %d unseen)",
        n.path("maxMs").asDouble(), n.path("count").asLong(), n.path("unseen").asLong()));
  }

  private void writePlot(JsonNode r) throws IOException {
    List<LatencyPlot.Series> series = List.of(
        new LatencyPlot.Series("QuestDB-visible", "#1f77b4", points(r.path("questDb").path("series"))),
        new LatencyPlot.Series("read-committed validated_telemetry", "#d62728",
            points(r.path("validatedTelemetry").path("series"))));
    Files.writeString(o.out().resolve("latency.svg"), LatencyPlot.svg(String.format(Locale.ROOT,
        "End-to-end latency at %.0f events/s (parallelism %d, checkpoints every %d s)", o.rate(),
        o.parallelism(), o.checkpointInterval().toSeconds()), series));
  }

  static List<double[]> points(JsonNode series) {
    List<double[]> out = new ArrayList<>();
    series.forEach(p -> out.add(new double[] {p.get(0).asDouble(), p.get(1).asDouble()}));
    return out;
  }

  // Small helpers.

  static String rate(double r) {
    return String.format(Locale.ROOT, "%,.0f", r);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2fx", r);
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
  }

  static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }
}
