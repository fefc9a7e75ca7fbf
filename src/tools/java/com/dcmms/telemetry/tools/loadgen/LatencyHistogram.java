package com.dcmms.telemetry.tools.loadgen;

import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One kind of latency in microseconds, recorded from several threads into an HdrHistogram and read
 * as percentiles while recording goes on.
 */
final class LatencyHistogram {
  /** A percentile is off by at most 0.1 % of its value, whatever the range of the latencies. */
  static final int SIGNIFICANT_DIGITS = 3;

  // A Recorder takes values from the producer callbacks and watcher threads without locks; its
  // intervals add up in a histogram that only the readers touch. Both resize as values grow, so
  // a stalled pipeline's minutes-long latencies are kept, not cut off at a guessed maximum.
  private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
  private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);
  private Histogram interval;

  void record(long micros) {
    recorder.recordValue(micros);
  }

  /** Everything recorded so far, as a copy the caller may read at leisure. */
  synchronized Histogram snapshot() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    return total.copy();
  }

  /** "p50 12.3 ms p95 ... (n=…)", or "no samples". */
  String summary() {
    Histogram h = snapshot();
    if (h.getTotalCount() == 0) {
      return "no samples";
    }
    return String.format(
        Locale.ROOT,
        "p50 %s  p95 %s  p99 %s  max %s  (n=%d)",
        millis(h.getValueAtPercentile(50)),
        millis(h.getValueAtPercentile(95)),
        millis(h.getValueAtPercentile(99)),
        millis(h.getMaxValue()),
        h.getTotalCount());
  }

  /** "p50 12.3 ms p99 45.6 ms", or "-": for the progress line. */
  String brief() {
    Histogram h = snapshot();
    return h.getTotalCount() == 0
        ? "-"
        : "p50 "
            + millis(h.getValueAtPercentile(50))
            + " p99 "
            + millis(h.getValueAtPercentile(99));
  }

  static String millis(long micros) {
    return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }
}
