package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.loadgen.GeneratedEvent.Kind;
import java.io.PrintStream;
import java.util.Locale;

/** The run's console output: the plan, a progress line every few seconds, the summary table. */
final class Report {
  private final LoadTestOptions o;
  private final RunCounters counters;
  private final LatencyTracker latency;
  private final PrintStream out;
  private long lastTotal;
  private long lastNanos;

  Report(LoadTestOptions o, RunCounters counters, LatencyTracker latency, PrintStream out) {
    this.o = o;
    this.counters = counters;
    this.latency = latency;
    this.out = out;
  }

  void plan() {
    out.printf(
        Locale.ROOT,
        "load test %s: %s at %s over %d worker(s) to %s / %s%n",
        o.runId(),
        o.duration() == null
            ? o.events() + " events"
            : "for " + o.duration().toMillis() / 1000.0 + " s",
        o.rate() > 0 ? o.rate() + " events/s" : "full speed",
        o.workers(),
        o.bootstrapServers(),
        o.topic());
    out.printf(
        Locale.ROOT,
        "profile: %d sites x %d assets x %d sensors = %d sensors; anomalies %.3f, "
            + "duplicates %.3f, near duplicates %.3f, malformed %.3f, out of order %.3f (max %d ms), "
            + "latency sample %.3f; seed %d%n",
        o.sites(),
        o.assets(),
        o.sensors(),
        o.sensorCount(),
        o.anomalies(),
        o.duplicates(),
        o.nearDuplicates(),
        o.malformed(),
        o.outOfOrder(),
        o.maxDisorder().toMillis(),
        o.latencySample(),
        o.seed());
    if (o.eventRate() > 0) {
      out.printf(
          Locale.ROOT,
          "event time: a backlog recorded at %.0f events/s, from %.0f s before the start%n",
          o.eventRate(),
          o.backlogMillis() / 1000.0);
    }
  }

  /**
   * One progress line: totals, the rate since the last line and the latencies so far.
   *
   * @param wallNanos time since the start, also while waiting for the outputs
   * @param sendingNanos time spent sending (stops when the last ack is in)
   */
  void progress(long wallNanos, long sendingNanos) {
    long total = counters.total();
    double interval = (wallNanos - lastNanos) / 1e9;
    double rate = interval > 0 ? (total - lastTotal) / interval : 0;
    lastTotal = total;
    lastNanos = wallNanos;
    out.printf(
        Locale.ROOT,
        "[%5.0f s] sent %d (%.0f/s now, %.0f/s avg), acked %d | QuestDB e2e %s | "
            + "validated e2e %s | awaited %d / %d%n",
        wallNanos / 1e9,
        total,
        rate,
        sendingNanos > 0 ? total * 1e9 / sendingNanos : 0,
        counters.acked.sum(),
        latency.questDb.brief(),
        latency.kafka.brief(),
        latency.pendingQuestDbCount(),
        latency.pendingKafkaCount());
  }

  void summary(double achievedRate, long elapsedNanos) {
    out.println();
    out.println("Summary (run " + o.runId() + ", event ids " + o.eventIdPrefix() + "*)");
    row(
        "rate requested",
        o.rate() > 0 ? String.format(Locale.ROOT, "%.1f events/s", o.rate()) : "full speed");
    row("rate achieved", String.format(Locale.ROOT, "%.1f events/s", achievedRate));
    row("elapsed (to last ack)", String.format(Locale.ROOT, "%.2f s", elapsedNanos / 1e9));
    row("records sent", Long.toString(counters.total()));
    row("  valid distinct readings", Long.toString(counters.count(Kind.VALID)));
    row("  anomalies (OUT_OF_RANGE)", Long.toString(counters.count(Kind.ANOMALY)));
    row("  exact duplicates", Long.toString(counters.count(Kind.EXACT_DUPLICATE)));
    row("  near duplicates", Long.toString(counters.count(Kind.NEAR_DUPLICATE)));
    row("  malformed", Long.toString(counters.count(Kind.MALFORMED)));
    row("  out of order (of the readings)", Long.toString(counters.outOfOrder.sum()));
    row("send failures", Long.toString(counters.failures()));
    row("expected readings stored", Long.toString(counters.expectedReadings()));
    row("expected dead letters", Long.toString(counters.count(Kind.MALFORMED)));
    row("latency samples", Long.toString(counters.sampled.sum()));
    row(
        "e2e latency counted from",
        RateControlledProducer.latencyFromSchedule(o)
            ? "scheduled send time (start + i / rate)"
            : "send time (no schedule at full speed)");
    row("e2e to QuestDB row", latency.questDb.summary() + unseen(latency.pendingQuestDbCount()));
    row(
        "e2e to validated_telemetry",
        latency.kafka.summary() + unseen(latency.pendingKafkaCount()));
    row("producer ack (not e2e)", latency.producerAck.summary());
  }

  private static String unseen(int pending) {
    return pending == 0 ? "" : ", " + pending + " never seen";
  }

  private void row(String name, String value) {
    out.printf(Locale.ROOT, "  %-34s %s%n", name, value);
  }
}
