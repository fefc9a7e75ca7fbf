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
  public enum Verdict {
    EMIT,
    EXACT_DUPLICATE,
    NEAR_DUPLICATE
  }

  private final long windowMillis;
  private final boolean deadband;
  private final double relativeTolerance;
  private final double absoluteTolerance;

  public Deduplicator(
      Duration window, boolean deadband, double relativeTolerance, double absoluteTolerance) {
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

  /** Judges a reading against the sensor's history and records it there. */
  public Verdict judge(TelemetryReading reading, SensorHistory history) {
    long idHash = hash64(reading.eventId);
    for (int i = 0; i < history.seenCount; i++) {
      // Only readings within the window of this one count; pruning alone would let a reading
      // seen long before match until a newer reading prunes it.
      if (Math.abs(reading.timestamp - history.seenTimestamps[i]) < windowMillis
          && (history.seenTimestamps[i] == reading.timestamp
              || history.seenIdHashes[i] == idHash)) {
        return Verdict.EXACT_DUPLICATE;
      }
    }
    remember(history, reading.timestamp, idHash);
    if (deadband && history.hasLast && isNear(reading, history)) {
      return Verdict.NEAR_DUPLICATE;
    }
    history.hasLast = true;
    history.lastTimestamp = reading.timestamp;
    history.lastValue = reading.value;
    history.lastQualityFlag = reading.qualityFlag;
    return Verdict.EMIT;
  }

  /** Event time after which nothing in the history can match a new reading any more. */
  public long expiresAt(SensorHistory history) {
    long newest = Math.max(history.newestTimestamp, history.lastTimestamp);
    return newest + windowMillis;
  }

  private boolean isNear(TelemetryReading r, SensorHistory h) {
    if (Math.abs(r.timestamp - h.lastTimestamp) >= windowMillis
        || !r.qualityFlag.equals(h.lastQualityFlag)) {
      return false;
    }
    double tolerance =
        h.lastValue == 0 ? absoluteTolerance : relativeTolerance * Math.abs(h.lastValue);
    return Math.abs(r.value - h.lastValue) <= tolerance;
  }

  private void remember(SensorHistory h, long timestamp, long idHash) {
    h.newestTimestamp = Math.max(h.newestTimestamp, timestamp);
    long oldestKept = h.newestTimestamp - windowMillis;
    int kept = 0;
    for (int i = 0; i < h.seenCount; i++) {
      if (h.seenTimestamps[i] > oldestKept) {
        h.seenTimestamps[kept] = h.seenTimestamps[i];
        h.seenIdHashes[kept] = h.seenIdHashes[i];
        kept++;
      }
    }
    h.seenCount = kept;
    if (timestamp <= oldestKept) {
      return;
    }
    if (kept == h.seenTimestamps.length) {
      h.seenTimestamps = java.util.Arrays.copyOf(h.seenTimestamps, kept * 2);
      h.seenIdHashes = java.util.Arrays.copyOf(h.seenIdHashes, kept * 2);
    }
    h.seenTimestamps[kept] = timestamp;
    h.seenIdHashes[kept] = idHash;
    h.seenCount = kept + 1;
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
