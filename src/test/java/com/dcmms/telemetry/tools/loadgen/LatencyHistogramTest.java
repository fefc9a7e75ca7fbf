package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Latency percentiles from HdrHistogram: nearest rank, within 0.1 %, readable while recording. */
class LatencyHistogramTest {

  @Test
  void smallLatenciesHaveExactNearestRankPercentiles() {
    LatencyHistogram latencies = new LatencyHistogram();
    for (long v = 100; v >= 1; v--) {
      latencies.record(v); // below 2048 µs every value has its own bucket at 3 digits
    }
    Histogram h = latencies.snapshot();
    assertThat(h.getTotalCount()).isEqualTo(100);
    assertThat(h.getValueAtPercentile(50)).isEqualTo(50);
    assertThat(h.getValueAtPercentile(95)).isEqualTo(95);
    assertThat(h.getValueAtPercentile(99)).isEqualTo(99);
    assertThat(h.getMaxValue()).isEqualTo(100);
  }

  @Test
  void aSmallSampleRoundsUpToTheNextRank() {
    LatencyHistogram latencies = new LatencyHistogram();
    latencies.record(30);
    latencies.record(10);
    latencies.record(20);
    Histogram h = latencies.snapshot();
    // ranks: p50 -> ceil(1.5) = 2nd, p95 -> 3rd
    assertThat(h.getValueAtPercentile(50)).isEqualTo(20);
    assertThat(h.getValueAtPercentile(95)).isEqualTo(30);
  }

  @Test
  void largeLatenciesAreWithinATenthOfAPercentAndNeverBelow() {
    LatencyHistogram latencies = new LatencyHistogram();
    for (long ms = 1; ms <= 1_000; ms++) {
      latencies.record(ms * 1_000 + 7); // off the bucket bounds, so rounding shows
    }
    Histogram h = latencies.snapshot();
    assertWithinPrecision(h.getValueAtPercentile(50), 500_007);
    assertWithinPrecision(h.getValueAtPercentile(95), 950_007);
    assertWithinPrecision(h.getValueAtPercentile(99), 990_007);
    assertWithinPrecision(h.getMaxValue(), 1_000_007);
  }

  @Test
  void keepsTheLatenciesOfAStalledPipeline() {
    LatencyHistogram latencies = new LatencyHistogram();
    latencies.record(1_000);
    long anHour = 3_600_000_000L;
    latencies.record(anHour);
    Histogram h = latencies.snapshot();
    assertThat(h.getValueAtPercentile(50)).isEqualTo(1_000);
    assertWithinPrecision(h.getMaxValue(), anHour);
  }

  @Test
  void aSnapshotKeepsWhatEarlierSnapshotsSaw() {
    LatencyHistogram latencies = new LatencyHistogram();
    latencies.record(10);
    assertThat(latencies.snapshot().getTotalCount()).isEqualTo(1);
    latencies.record(20);
    Histogram h = latencies.snapshot();
    assertThat(h.getTotalCount()).isEqualTo(2);
    assertThat(h.getMaxValue()).isEqualTo(20);
  }

  @Test
  void countsEverySampleOfSeveralThreadsReadWhileTheyRecord() throws InterruptedException {
    LatencyHistogram latencies = new LatencyHistogram();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      Thread t =
          new Thread(
              () -> {
                for (long v = 1; v <= 10_000; v++) {
                  latencies.record(v);
                }
              });
      writers.add(t);
      t.start();
    }
    long seen = 0;
    while (writers.stream().anyMatch(Thread::isAlive)) {
      long now = latencies.snapshot().getTotalCount();
      assertThat(now).isGreaterThanOrEqualTo(seen);
      seen = now;
    }
    for (Thread t : writers) {
      t.join();
    }
    Histogram h = latencies.snapshot();
    assertThat(h.getTotalCount()).isEqualTo(40_000);
    assertWithinPrecision(h.getMaxValue(), 10_000);
  }

  @Test
  void summariesAreInMilliseconds() {
    LatencyHistogram latencies = new LatencyHistogram();
    assertThat(latencies.summary()).isEqualTo("no samples");
    assertThat(latencies.brief()).isEqualTo("-");
    latencies.record(1_500);
    assertThat(latencies.summary())
        .isEqualTo("p50 1.5 ms  p95 1.5 ms  p99 1.5 ms  max 1.5 ms  (n=1)");
    assertThat(latencies.brief()).isEqualTo("p50 1.5 ms p99 1.5 ms");
  }

  /** HdrHistogram reports the top of a value's bucket: at or above it, by at most 0.1 %. */
  private static void assertWithinPrecision(long reported, long exact) {
    assertThat(reported).isBetween(exact, exact + exact / 1_000);
  }
}
