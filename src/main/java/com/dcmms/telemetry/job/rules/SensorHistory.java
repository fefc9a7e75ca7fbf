package com.dcmms.telemetry.job.rules;

/**
 * Dedup state of one sensor: the last emitted reading and the readings seen within the window.
 *
 * <p>One value per sensor: dedup reads and writes it once per checkpoint through its cache (once
 * per reading without it). Event ids are kept as 64-bit hashes, which bounds the state's size
 * whatever the ids look like.
 */
public class SensorHistory {
  public boolean hasLast;
  public long lastTimestamp;
  public double lastValue;
  public String lastQualityFlag;

  /** Newest event time seen; entries older than it by a window are pruned. */
  public long newestTimestamp = Long.MIN_VALUE;

  public long[] seenTimestamps = new long[4];
  public long[] seenIdHashes = new long[4];
  public int seenCount;

  /** Event time of the cleanup timer registered last, Long.MIN_VALUE when none. */
  public long cleanupTimer = Long.MIN_VALUE;

  public SensorHistory() {}

  /** Equal when every field and the entries in use are; spare capacity does not count. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SensorHistory h)) {
      return false;
    }
    return hasLast == h.hasLast
        && lastTimestamp == h.lastTimestamp
        && Double.compare(lastValue, h.lastValue) == 0
        && java.util.Objects.equals(lastQualityFlag, h.lastQualityFlag)
        && newestTimestamp == h.newestTimestamp
        && cleanupTimer == h.cleanupTimer
        && seenCount == h.seenCount
        && java.util.Arrays.equals(seenTimestamps, 0, seenCount, h.seenTimestamps, 0, seenCount)
        && java.util.Arrays.equals(seenIdHashes, 0, seenCount, h.seenIdHashes, 0, seenCount);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(lastTimestamp, newestTimestamp, seenCount);
  }
}
