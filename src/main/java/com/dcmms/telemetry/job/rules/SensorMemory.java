package com.dcmms.telemetry.job.rules;

/**
 * What dedup remembers of one sensor: the readings seen within the window, by timestamp and by
 * event id, and a summary with the last emitted reading.
 *
 * <p>Lookups are by key, so judging a reading costs the same however busy the sensor is. The job
 * keeps this in keyed state; forgetting readings older than the window is the keeper's job.
 */
public interface SensorMemory {
  /** Whether a reading with this timestamp is remembered. */
  boolean hasTimestamp(long timestamp) throws Exception;

  /** The timestamp of the remembered reading with this event-id hash, or null. */
  Long timestampOfEvent(long eventIdHash) throws Exception;

  void remember(long timestamp, long eventIdHash) throws Exception;

  /** The sensor's summary, or null before its first reading. */
  SensorSummary summary() throws Exception;

  void updateSummary(SensorSummary summary) throws Exception;
}
