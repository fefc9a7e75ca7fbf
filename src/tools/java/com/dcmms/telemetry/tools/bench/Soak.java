package com.dcmms.telemetry.tools.bench;

import static com.dcmms.telemetry.tools.bench.BenchRig.say;

import com.dcmms.telemetry.testkit.ChildProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The soak ({@code bench/run --soak}): the servers and the packaged service as in the benchmark's
 * fixed-rate phase, without baseline or drain, the load generator at {@code --rate} for {@code
 * --duration} while the service is sampled, then the first and the last {@code --window} side by
 * side ({@link SoakReport}), the exact-count verification, and a plot of RSS, checkpoint size and
 * latency over the run. With {@code --faults}, the service is killed a third into the run and
 * QuestDB stopped two thirds into it ({@link Faults}). Exit 1 only when the verification fails;
 * growth shows in the table.
 */
final class Soak {
  private static final String PLOT = "soak.svg";
  private static final String SAMPLES = "soak-samples.csv";

  /**
   * Latency is plotted as the P99 of each such stretch: a 30-minute run samples some 180,000
   * readings.
   */
  private static final Duration LATENCY_BUCKET = Duration.ofSeconds(10);

  private final BenchOptions o;
  private final BenchRig rig;

  Soak(BenchOptions o) {
    this.o = o;
    this.rig = new BenchRig(o);
  }

  int run() throws Exception {
    Files.createDirectories(o.out());
    say("%s; output under %s", o.describe(), o.out());
    try (ChildProcess servers = rig.startServers();
        ChildProcess service = rig.startService(o.checkpointInterval())) {
      rig.awaitRunning(service, Duration.ofMinutes(2));
      CpuShare cpu = new CpuShare(service, servers);
      Faults faults =
          o.faults()
              ? new Faults(
                  rig,
                  service,
                  servers,
                  List.of(
                      new Faults.Planned(Recovery.Kind.SERVICE_KILLED, o.killAt(), Duration.ZERO),
                      new Faults.Planned(
                          Recovery.Kind.QUESTDB_STOPPED, o.outageAt(), o.questDbOutage())),
                  Math.round(o.rate() * SoakReport.LAG_SLACK_SECONDS))
              : null;
      BenchRig.Loaded loaded = rig.loadWhileSampling(service, "soak", faults);
      List<Recovery> recoveries = faults == null ? List.of() : faults.finish();
      JsonNode r = loaded.report();
      SoakReport.Recorded recorded =
          new SoakReport.Recorded(
              loaded.ticks(),
              FixedRatePhase.points(r.path("questDb").path("series")),
              FixedRatePhase.points(r.path("validatedTelemetry").path("series")));
      SoakReport report =
          SoakReport.compare(
              o.describe(),
              recorded,
              loaded.startMillis(),
              o.duration(),
              o.window(),
              o.rate(),
              recoveries);
      boolean verified = r.path("verified").asBoolean(false);
      List<String> outcome =
          List.of(
              String.format(
                  Locale.ROOT,
                  "rate achieved: %s events/s of %s requested",
                  Benchmark.rate(r.path("rateAchieved").asDouble()),
                  Benchmark.rate(o.rate())),
              String.format(
                  Locale.ROOT,
                  "figures not flat: %d of %d",
                  report.growing(),
                  report.rows().size()),
              "CPU over the run incl. verify, service / Kafka + QuestDB (cores): " + cpu.since(),
              "verify (exact readings, records and dead letters): "
                  + (verified ? "PASS" : "**FAIL**"));
      String markdown = report.markdown(outcome, PLOT);
      Path md = o.out().resolve("report.md");
      Files.writeString(md, markdown);
      writePlot(recorded);
      Files.writeString(
          o.out().resolve(SAMPLES), SampleLog.csv(loaded.startMillis(), loaded.ticks()));
      System.out.println();
      System.out.print(markdown);
      say("wrote %s, %s and %s", md, o.out().resolve(PLOT), o.out().resolve(SAMPLES));
      return verified ? 0 : 1;
    }
  }

  private void writePlot(SoakReport.Recorded r) throws IOException {
    List<double[]> rss =
        r.ticks().stream()
            .filter(t -> t.rssBytes() > 0)
            .map(t -> new double[] {t.atMillis(), t.rssBytes() / 1048576.0})
            .toList();
    List<double[]> state =
        r.ticks().stream()
            .map(BenchRig.Tick::sample)
            .filter(Objects::nonNull)
            .filter(s -> s.checkpointSizeBytes() >= 0)
            .map(s -> new double[] {s.atMillis(), s.checkpointSizeBytes() / 1048576.0})
            .toList();
    List<LatencyPlot.Panel> panels =
        List.of(
            new LatencyPlot.Panel(
                "service RSS",
                LatencyPlot.MEGABYTES,
                List.of(new LatencyPlot.Series("RSS", "#2ca02c", rss))),
            new LatencyPlot.Panel(
                "checkpoint size (state), latest completed",
                LatencyPlot.MEGABYTES,
                List.of(new LatencyPlot.Series("state size", "#9467bd", state))),
            new LatencyPlot.Panel(
                "end-to-end latency, P99 per "
                    + SoakReport.span(LATENCY_BUCKET)
                    + " of produce time",
                LatencyPlot.MILLIS,
                List.of(
                    new LatencyPlot.Series(
                        "QuestDB-visible",
                        "#1f77b4",
                        SoakReport.p99ByBucket(r.questDb(), LATENCY_BUCKET)),
                    new LatencyPlot.Series(
                        "read-committed validated_telemetry",
                        "#d62728",
                        SoakReport.p99ByBucket(r.readCommitted(), LATENCY_BUCKET)))));
    Files.writeString(
        o.out().resolve(PLOT),
        LatencyPlot.stacked(
            String.format(
                Locale.ROOT,
                "Soak at %.0f events/s for %s (parallelism %d, checkpoints every %s)",
                o.rate(),
                SoakReport.span(o.duration()),
                o.parallelism(),
                BenchOptions.span(o.checkpointInterval())),
            "time since the first point",
            200,
            panels));
  }
}
