package com.dcmms.telemetry.tools.bench;

import static com.dcmms.telemetry.tools.bench.BenchRig.say;

import com.dcmms.telemetry.testkit.ChildProcess;
import com.dcmms.telemetry.tools.cli.Cli;
import com.dcmms.telemetry.tools.monitor.Sample;
import com.dcmms.telemetry.tools.monitor.ServiceSource;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark ({@code bench/run}): real Kafka and QuestDB (the dev servers), a pre-loaded topic
 * drained by the bare baseline (1 and 2 threads) and by the packaged service, then the service at a
 * fixed rate ({@link FixedRatePhase}) at its checkpoint interval and again at the fast one, then
 * killed with {@code kill -9} under that load and started again. It prints one table and writes it,
 * with latency plots, under {@code --out}. With {@code --soak} it runs {@link Soak} instead. See
 * {@link BenchCommand}; the servers, service and sampling are {@link BenchRig}.
 */
public final class Benchmark {
  /** Targets of the issue: the drain's rate, and the time from kill -9 to the job running again. */
  static final double DRAIN_RATE = 80_000;

  static final Duration RESTART_RUNNING = Duration.ofSeconds(12);
  private final BenchOptions o;
  private final BenchRig rig;
  private final BenchTable table = new BenchTable();

  /** The intervals of the fixed-rate phases run, each with its latency plot. */
  private final List<Duration> intervals = new java.util.ArrayList<>();

  private Benchmark(BenchOptions o) {
    this.o = o;
    this.rig = new BenchRig(o);
  }

  public static void main(String[] args) {
    System.exit(Cli.execute("bench", new BenchCommand(), System.out, System.err, args));
  }

  /**
   * Runs the benchmark: 0, or 1 when a verification failed (data lost, duplicated or mis-routed); a
   * missed target shows in the table and does not fail the run.
   */
  static int run(BenchOptions o) throws Exception {
    return new Benchmark(o).run();
  }

  private int run() throws Exception {
    Files.createDirectories(o.out());
    say("benchmark: %s; output under %s", o.describe(), o.out());
    try (ChildProcess servers = rig.startServers()) {
      // A backlog as a gateway collects it while the pipeline is down: readings recorded at the
      // fixed rate (each sensor about once a second), sent as fast as possible. Sent with
      // event time = send time, 5 M events would put ~500 readings of each sensor in one dedup
      // window, a density no sensor of the profile reaches.
      JsonNode preload =
          rig.loadTest("preload", o.events(), null, 0, o.rate(), false, Duration.ZERO);
      long expected = preload.path("expectedReadings").asLong();
      say(
          "pre-loaded %d events (%d distinct readings expected) at %.0f events/s",
          preload.path("sent").asLong(), expected, preload.path("rateAchieved").asDouble());

      Baseline base1 = baseline(1, servers);
      Baseline base2 = baseline(2, servers);
      Baseline best = base2.rate() >= base1.rate() ? base2 : base1;

      try (ChildProcess service = rig.startService(o.checkpointInterval())) {
        Drain drain = drain(service, servers, expected);
        table.check(
            "service drain, all features on (events/s)",
            rate(drain.rate()),
            ">= 80,000",
            ratio(drain.rate() / best.rate()),
            drain.rate() >= DRAIN_RATE);
        table.info("service RSS peak while draining", mb(drain.peakRss()));
        table.info("CPU while draining: service / Kafka + QuestDB (cores)", drain.cpu().since());
        // Its ratio: the service's CPU per event to the faster baseline loop's.
        table.info(
            "CPU per event while draining: service / servers (µs)",
            drain.cpu().perEvent(o.events()),
            ratio(drain.cpu().subjectMicrosPerEvent(o.events()) / best.microsPerEvent()));
        fixedRates(service, servers, drain);
        restart(service, servers);
        // Exit 1 only when data was lost or mangled; a missed target shows in the table.
        return finish(table.exitStatus());
      }
    }
  }

  private int finish(int status) throws IOException {
    String text = table.text();
    System.out.println();
    System.out.print(text);
    Path md = o.out().resolve("report.md");
    StringBuilder images = new StringBuilder();
    intervals.forEach(
        i ->
            images
                .append("\n![end-to-end latency, checkpoints every ")
                .append(BenchOptions.span(i))
                .append("](")
                .append(latencyPlot(i))
                .append(")\n"));
    Files.writeString(md, "# Benchmark\n\n" + o.describe() + "\n\n" + table.markdown() + images);
    say(
        "wrote %s with %s, and the samples of each phase as CSV",
        md, String.join(", ", intervals.stream().map(Benchmark::latencyPlot).toList()));
    return status;
  }

  // The phases.

  /** A bare baseline run: its rate and the CPU its loop (this JVM) took per event. */
  record Baseline(double rate, double microsPerEvent) {}

  private Baseline baseline(int threads, ChildProcess servers) throws Exception {
    CpuShare cpu = CpuShare.ofThisJvm(servers);
    BareBaseline.Result r =
        BareBaseline.run(
            rig.kafka(),
            "raw_telemetry",
            o.events(),
            threads,
            "127.0.0.1",
            rig.questDbHttp(),
            "baseline_" + threads + "t");
    say(
        "bare baseline, %d thread(s): %d events (%d stored, %d rejected) in %.1f s = %.0f events/s",
        threads,
        r.events(),
        r.stored(),
        r.rejected(),
        r.elapsed().toMillis() / 1000.0,
        r.eventsPerSecond());
    String name = threads == 1 ? "1 thread" : threads + " threads";
    table.info("bare baseline, " + name + " (events/s)", rate(r.eventsPerSecond()));
    table.info(
        "CPU per event, bare baseline (" + name + "): loop / servers (µs)",
        cpu.perEvent(r.events()));
    return new Baseline(r.eventsPerSecond(), cpu.subjectMicrosPerEvent(r.events()));
  }

  record Drain(double rate, long peakRss, double seconds, CpuShare cpu, long endedAtMillis) {}

  /** From the job running to every expected row written by the sink, sampled every second. */
  private Drain drain(ChildProcess service, ChildProcess servers, long expected) throws Exception {
    ServiceSource source = rig.serviceSource();
    CpuShare cpu = null;
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
        cpu =
            new CpuShare(service, servers); // from here: the service's start-up is not the drain's
      }
      if (s != null && startNanos != 0 && s.recordsOut() >= expected) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = o.events() / seconds;
        say("drained %d events in %.1f s = %.0f events/s", o.events(), seconds, rate);
        return new Drain(rate, peakRss, seconds, cpu, System.currentTimeMillis());
      }
      if (s != null
          && startNanos != 0
          && (last == null || s.atMillis() - last.atMillis() >= 5_000)) {
        say("  draining: %d read, %d stored of %d", s.recordsIn(), s.recordsOut(), expected);
        last = s;
      }
      Thread.sleep(1_000); // a sampling period, not a wait for a condition
    }
    throw new IllegalStateException(
        "the service did not drain the topic within " + o.drainTimeout());
  }

  /**
   * The fixed-rate phase at the service's interval and, restarted, at the fast one; a failed
   * verification is a FAIL row of the table. It starts from a steady state, as a user's pipeline
   * runs: QuestDB done with the drain's backlog first.
   */
  private void fixedRates(ChildProcess service, ChildProcess servers, Drain drain)
      throws Exception {
    // The service runs with the job's default table.
    double applied =
        rig.awaitQuestDbApplied(
            com.dcmms.telemetry.job.TelemetryJobOptions.defaults().questDbTable(),
            o.drainTimeout());
    say("QuestDB applied the drain's backlog %.1f s after the drain", applied);
    table.info(
        "QuestDB WAL fully applied after the drain (s)",
        String.format(Locale.ROOT, "%.1f", applied));
    FixedRatePhase phase = new FixedRatePhase(o, rig, table);
    FixedRatePhase.Outcome first =
        phase.run(service, servers, o.checkpointInterval(), drain.endedAtMillis(), "the drain");
    intervals.add(o.checkpointInterval());
    long maxRss = Math.max(drain.peakRss(), first.maxRss());
    if (o.fastPhase()) {
      rig.restartService(service, o.fastInterval());
      rig.awaitRunning(service, Duration.ofMinutes(2));
      FixedRatePhase.Outcome fast =
          phase.run(service, servers, o.fastInterval(), System.currentTimeMillis(), "the restart");
      intervals.add(o.fastInterval());
      maxRss = Math.max(maxRss, fast.maxRss());
    }
    table.info("service RSS, max over the drain and the fixed-rate phases", mb(maxRss));
  }

  /** The file FixedRatePhase writes the plot of the phase at {@code interval} to. */
  static String latencyPlot(Duration interval) {
    return "latency-" + BenchOptions.span(interval).replace(" ", "") + ".svg";
  }

  /**
   * The restart phase: the load at the fixed rate with --verify, the service killed (kill -9) a
   * third into it and started again at once on its directories; how long until its job runs again
   * and until it caught up, and whether every reading still arrived exactly once.
   */
  private void restart(ChildProcess service, ChildProcess servers) throws Exception {
    if (!o.restart()) {
      return;
    }
    long lagLimit = Math.round(o.rate()); // one second of input
    Faults faults =
        new Faults(
            rig,
            service,
            servers,
            List.of(new Faults.Planned(Recovery.Kind.SERVICE_KILLED, o.killAt(), Duration.ZERO)),
            lagLimit);
    say(
        "restart: %,.0f events/s for %d s, kill -9 at %d s",
        o.rate(), o.duration().toSeconds(), o.killAt().toSeconds());
    BenchRig.Loaded loaded = rig.loadWhileSampling(service, "restart", faults);
    Recovery r = faults.finish().get(0);
    String label = "restart (" + BenchOptions.span(rig.interval()) + " interval): ";
    double running = r.secondsAfterCleared(r.resumedAtMillis());
    table.check(
        label + "kill -9 → RUNNING (s)",
        Recovery.seconds(running),
        "<= " + RESTART_RUNNING.toSeconds() + " s",
        "",
        running <= RESTART_RUNNING.toSeconds());
    table.info(
        label
            + String.format(
                Locale.ROOT,
                "kill -9 → caught up: Flink pendingRecords <= %,d, 1 s of input (s)",
                lagLimit),
        Recovery.seconds(r.secondsAfterCleared(r.caughtUpAtMillis())));
    table.info(
        label + "lag max (records, Flink pendingRecords)",
        r.maxLag() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", r.maxLag()));
    table.verify(
        label + "verify: exact readings, records and dead letters",
        loaded.report().path("verified").asBoolean(false));
    Files.writeString(
        o.out().resolve("restart-samples.csv"),
        SampleLog.csv(loaded.startMillis(), loaded.ticks()));
  }

  // Small helpers.

  static String rate(double r) {
    return String.format(Locale.ROOT, "%,.0f", r);
  }

  private static String ratio(double r) {
    return Double.isNaN(r) || Double.isInfinite(r) ? "" : String.format(Locale.ROOT, "%.2fx", r);
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
  }

  static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }
}
