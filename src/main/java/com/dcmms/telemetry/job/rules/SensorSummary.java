package com.dcmms.telemetry.job.rules;

/**
 * The small, fixed-size part of a sensor's dedup state: its last emitted reading (for the
 * deadband) and the newest event time seen (for cleanup).
 */
public class SensorSummary {
  public boolean hasLast;
  public long lastTimestamp;
  public double lastValue;
  public String lastQualityFlag;
  /** Newest event time seen; the sensor's state can go one window after it. */
  public long newestTimestamp = Long.MIN_VALUE;
  /** Event time of the cleanup timer registered last, Long.MIN_VALUE when none. */
  public long cleanupTimer = Long.MIN_VALUE;

  public SensorSummary() {}
}
