package com.dcmms.telemetry.tools.monitor;

import com.dcmms.telemetry.tools.cli.Cli;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Watches a running pipeline every few seconds: throughput in and out, checkpoint duration and
 * size, backpressure per task, consumer lag, task slots and TaskManagers, and the score.
 *
 * <pre>
 * bin/monitor --service http://localhost:8080          # the embedded service
 * bin/monitor --flink http://jobmanager:8081           # a Flink cluster
 * options: --interval 5s  --count 0 (forever)  --target-rate 10000
 * </pre>
 *
 * <p>{@link MonitorCommand} reads the command line.
 */
public final class PipelineMonitor {
  private final SampleSource source;
  private final double targetRate;
  private final PrintStream out;

  public PipelineMonitor(SampleSource source, double targetRate, PrintStream out) {
    this.source = source;
    this.targetRate = targetRate;
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(
        Cli.execute("monitor", new MonitorCommand(System.out), System.out, System.err, args));
  }

  /**
   * Samples {@code count} times after the first (0 = until stopped), printing a report each time.
   */
  void run(Duration interval, int count) throws Exception {
    Sample previous = source.sample();
    for (int i = 0; count == 0 || i < count; i++) {
      Thread.sleep(interval.toMillis());
      Sample current = source.sample();
      out.print(report(previous, current));
      previous = current;
    }
  }

  /** The report of one interval. */
  public String report(Sample previous, Sample s) {
    double in = s.inRate(previous);
    Score score = Score.of(in, targetRate, s.checkpointDurationMs(), s.maxBackpressure());
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "%n== %s  job %s  restarts %d%n",
            LocalTime.now().truncatedTo(ChronoUnit.SECONDS), s.state(), s.restarts()));
    b.append(
        String.format(
            "throughput   in %,.0f/s   stored %,.0f/s   consumer lag %s%n",
            in,
            s.outRate(previous),
            s.consumerLag() < 0 ? "n/a" : String.format("%,d", s.consumerLag())));
    b.append(
        String.format(
            "checkpoint   %s   size %s%n",
            s.checkpointDurationMs() < 0 ? "none yet" : s.checkpointDurationMs() + " ms",
            s.checkpointSizeBytes() < 0
                ? "n/a"
                : String.format("%,d bytes", s.checkpointSizeBytes())));
    b.append(
        String.format(
            "cluster      %d TaskManager(s), %d/%d slots free%n",
            s.taskManagers(), s.slotsAvailable(), s.slotsTotal()));
    b.append("backpressure\n");
    for (Map.Entry<String, Double> e : s.backpressure().entrySet()) {
      b.append(String.format("  %5.1f %%  %s%n", e.getValue() * 100, e.getKey()));
    }
    b.append(
        String.format(
            "score        %.0f/100 (throughput %.0f/40, checkpoint %.0f/30, backpressure %.0f/30)%n",
            score.total(), score.throughput(), score.checkpoint(), score.backpressure()));
    score.recommendations().forEach(r -> b.append("  -> ").append(r).append('\n'));
    return b.toString();
  }
}
