package com.dcmms.telemetry.tools.loadgen;

import java.util.Arrays;

/**
 * Latency samples in microseconds and their exact nearest-rank percentiles; thread-safe. The soak
 * report takes the percentiles of its windows of a run's JSON series with it; the load test records
 * into {@link LatencyHistogram}, which takes samples from many threads without a lock and reads
 * percentiles mid-run without sorting.
 */
public final class Percentiles {
  private long[] samples = new long[1024];
  private int size;

  public synchronized void add(long micros) {
    if (size == samples.length) {
      samples = Arrays.copyOf(samples, size * 2);
    }
    samples[size++] = micros;
  }

  public synchronized int count() {
    return size;
  }

  /**
   * The values at the given percentiles (0 < p <= 100), nearest rank; empty when there are no
   * samples.
   */
  public synchronized long[] at(double... percentiles) {
    if (size == 0) {
      return new long[0];
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    long[] out = new long[percentiles.length];
    for (int i = 0; i < percentiles.length; i++) {
      out[i] = nearestRank(sorted, percentiles[i]);
    }
    return out;
  }

  /** Nearest rank: the smallest sample with at least p % of the samples at or below it. */
  static long nearestRank(long[] sorted, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
