package com.dcmms.telemetry.job.functions;

import com.dcmms.telemetry.job.records.TelemetryReading;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs {@link DeduplicateReadings} and writes its changed histories to the keyed state before every
 * checkpoint barrier (so every snapshot and savepoint holds them), and all of them when its cache
 * is full. Flink's mini-batch operators flush their bundles at the same point.
 */
public final class DedupOperator
    extends KeyedProcessOperator<String, TelemetryReading, TelemetryReading> {
  private static final long serialVersionUID = 1L;

  public DedupOperator(DeduplicateReadings dedup) {
    super(dedup);
  }

  @Override
  public void open() throws Exception {
    super.open();
    ((DeduplicateReadings) userFunction)
        .stateKeepsObjects(!getKeyedStateBackend().isSafeToReuseKVState());
  }

  @Override
  public void processElement(StreamRecord<TelemetryReading> element) throws Exception {
    DeduplicateReadings dedup = (DeduplicateReadings) userFunction;
    if (dedup.cacheFull()) {
      Object key = getCurrentKey();
      dedup.flush(this::setCurrentKey, true);
      setCurrentKey(key);
    }
    super.processElement(element);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    ((DeduplicateReadings) userFunction).flush(this::setCurrentKey, false);
  }
}
