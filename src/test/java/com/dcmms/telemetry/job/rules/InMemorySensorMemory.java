package com.dcmms.telemetry.job.rules;

import java.util.HashMap;
import java.util.Map;

/** A sensor's dedup memory in plain maps, for judging readings without Flink. Never forgets. */
public final class InMemorySensorMemory implements SensorMemory {
  private final Map<Long, Long> idHashByTimestamp = new HashMap<>();
  private final Map<Long, Long> timestampByIdHash = new HashMap<>();
  private SensorSummary summary;

  @Override
  public boolean hasTimestamp(long timestamp) {
    return idHashByTimestamp.containsKey(timestamp);
  }

  @Override
  public Long timestampOfEvent(long eventIdHash) {
    return timestampByIdHash.get(eventIdHash);
  }

  @Override
  public void remember(long timestamp, long eventIdHash) {
    idHashByTimestamp.put(timestamp, eventIdHash);
    timestampByIdHash.put(eventIdHash, timestamp);
  }

  @Override
  public SensorSummary summary() {
    return summary;
  }

  @Override
  public void updateSummary(SensorSummary s) {
    summary = s;
  }

  public int remembered() {
    return idHashByTimestamp.size();
  }
}
