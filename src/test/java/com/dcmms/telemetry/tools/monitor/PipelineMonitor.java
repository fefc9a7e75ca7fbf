package com.dcmms.telemetry.tools.monitor;

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

  public static void main(String[] args) throws Exception {
    String service = null;
    String flink = null;
    Duration interval = Duration.ofSeconds(5);
    int count = 0;
    double target = 10_000;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--service" -> service = require(args[i], value);
        case "--flink" -> flink = require(args[i], value);
        case "--interval" -> interval = org.apache.flink.util.TimeUtils.parseDuration(require(args[i], value));
        case "--count" -> count = Integer.parseInt(require(args[i], value));
        case "--target-rate" -> target = Double.parseDouble(require(args[i], value));
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; use --service URL or --flink URL, --interval, --count, --target-rate");
      }
      i++;
    }
    if ((service == null) == (flink == null)) {
      throw new IllegalArgumentException("give exactly one of --service URL and --flink URL");
    }
    Http http = new Http();
    SampleSource source = service != null ? new ServiceSource(http, service) : new FlinkRestSource(http, flink);
    new PipelineMonitor(source, target, System.out).run(interval, count);
  }

  private static String require(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  /** Samples {@code count} times after the first (0 = until stopped), printing a report each time. */
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
    b.append(String.format("%n== %s  job %s  restarts %d%n",
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS), s.state(), s.restarts()));
    b.append(String.format("throughput   in %,.0f/s   stored %,.0f/s   consumer lag %s%n",
        in, s.outRate(previous), s.consumerLag() < 0 ? "n/a" : String.format("%,d", s.consumerLag())));
    b.append(String.format("checkpoint   %s   size %s%n",
        s.checkpointDurationMs() < 0 ? "none yet" : s.checkpointDurationMs() + " ms",
        s.checkpointSizeBytes() < 0 ? "n/a" : String.format("%,d bytes", s.checkpointSizeBytes())));
    b.append(String.format("cluster      %d TaskManager(s), %d/%d slots free%n",
        s.taskManagers(), s.slotsAvailable(), s.slotsTotal()));
    b.append("backpressure\n");
    for (Map.Entry<String, Double> e : s.backpressure().entrySet()) {
      b.append(String.format("  %5.1f %%  %s%n", e.getValue() * 100, e.getKey()));
    }
    b.append(String.format("score        %.0f/100 (throughput %.0f/40, checkpoint %.0f/30, backpressure %.0f/30)%n",
        score.total(), score.throughput(), score.checkpoint(), score.backpressure()));
    score.recommendations().forEach(r -> b.append("  -> ").append(r).append('\n'));
    return b.toString();
  }
}
