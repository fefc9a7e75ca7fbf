package com.dcmms.telemetry.job.rules;

import com.dcmms.telemetry.job.records.TelemetryReading;
import java.io.Serializable;
import java.time.Duration;

/**
 * The dedup rules of one sensor's readings, in event time.
 *
 * <ul>
 *   <li>exact: the same event id, or the same timestamp, seen within the window;
 *   <li>near (deadband): within the window of the last emitted reading, same quality flag, and
 *       |Δvalue| ≤ relative tolerance × |last value| (absolute tolerance when the last value is 0).
 * </ul>
 *
 * A sensor with a steady value therefore still reports at least once per window.
 */
public final class Deduplicator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What to do with a reading. */
  public enum Verdict { EMIT, EXACT_DUPLICATE, NEAR_DUPLICATE }

  private final long windowMillis;
  private final boolean deadband;
  private final double relativeTolerance;
  private final double absoluteTolerance;

  public Deduplicator(Duration window, boolean deadband, double relativeTolerance,
      double absoluteTolerance) {
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("dedup window must be positive, got " + window);
    }
    if (relativeTolerance < 0 || absoluteTolerance < 0) {
      throw new IllegalArgumentException("dedup tolerances must not be negative");
    }
    this.windowMillis = window.toMillis();
    this.deadband = deadband;
    this.relativeTolerance = relativeTolerance;
    this.absoluteTolerance = absoluteTolerance;
  }

  public long windowMillis() {
    return windowMillis;
  }

  /**
   * Judges a reading against what the sensor's memory holds and records it there. The memory
   * may still hold readings older than the window; they never match.
   */
  public Verdict judge(TelemetryReading reading, SensorMemory memory) throws Exception {
    long idHash = hash64(reading.eventId);
    Long seenAt = memory.timestampOfEvent(idHash);
    if (memory.hasTimestamp(reading.timestamp)
        || (seenAt != null && Math.abs(reading.timestamp - seenAt) < windowMillis)) {
      return Verdict.EXACT_DUPLICATE;
    }
    memory.remember(reading.timestamp, idHash);
    SensorSummary summary = memory.summary();
    if (summary == null) {
      summary = new SensorSummary();
    }
    summary.newestTimestamp = Math.max(summary.newestTimestamp, reading.timestamp);
    Verdict verdict = deadband && summary.hasLast && isNear(reading, summary)
        ? Verdict.NEAR_DUPLICATE : Verdict.EMIT;
    if (verdict == Verdict.EMIT) {
      summary.hasLast = true;
      summary.lastTimestamp = reading.timestamp;
      summary.lastValue = reading.value;
      summary.lastQualityFlag = reading.qualityFlag;
    }
    memory.updateSummary(summary);
    return verdict;
  }

  /** Whether a remembered reading at {@code timestamp} can no longer match at event time {@code now}. */
  public boolean isForgettable(long timestamp, long now) {
    return timestamp <= now - windowMillis;
  }

  /** Event time after which nothing the sensor has seen can match a new reading any more. */
  public long expiresAt(SensorSummary summary) {
    return Math.max(summary.newestTimestamp, summary.lastTimestamp) + windowMillis;
  }

  private boolean isNear(TelemetryReading r, SensorSummary h) {
    if (Math.abs(r.timestamp - h.lastTimestamp) >= windowMillis
        || !r.qualityFlag.equals(h.lastQualityFlag)) {
      return false;
    }
    double tolerance = h.lastValue == 0 ? absoluteTolerance : relativeTolerance * Math.abs(h.lastValue);
    return Math.abs(r.value - h.lastValue) <= tolerance;
  }

  /**
   * A 64-bit string hash (FNV-1a over the chars, then a murmur3 finaliser) for event ids. Not a
   * base-31 polynomial: that one makes ids such as "Aa" and "BB" collide, which would drop a
   * distinct reading as an exact duplicate.
   */
  static long hash64(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
