package com.dcmms.telemetry.job.rules;

/**
 * Dedup state of one sensor: the last emitted reading and the readings seen within the window.
 *
 * <p>One value per sensor keeps dedup at one state read and one write per event. Event ids are
 * kept as 64-bit hashes, which bounds the state's size whatever the ids look like.
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
}
