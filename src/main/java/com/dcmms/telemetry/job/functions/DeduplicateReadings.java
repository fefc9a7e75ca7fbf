package com.dcmms.telemetry.job.functions;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.rules.Deduplicator;
import com.dcmms.telemetry.job.rules.SensorHistory;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops exact and near duplicates per sensor, keyed by {@code site_id:asset_id:sensor_id}.
 *
 * <p>State is one {@link SensorHistory} per sensor. An event-time timer clears it once the
 * watermark has passed the newest reading by a window; a processing-time TTL clears it when
 * event time stops advancing (every partition idle), so no state grows without bound.
 */
public class DeduplicateReadings extends KeyedProcessFunction<String, TelemetryReading, TelemetryReading> {
  private static final long serialVersionUID = 1L;

  private final Deduplicator deduplicator;
  private final Duration stateTtl;
  /** Cleanup timers are rounded up to this, so a busy sensor registers few of them. */
  private final long timerGranularityMillis;

  private transient ValueState<SensorHistory> history;
  private transient Counter exactDuplicates;
  private transient Counter nearDuplicates;
  private transient Counter emitted;

  public DeduplicateReadings(Deduplicator deduplicator, Duration stateTtl) {
    this.deduplicator = deduplicator;
    this.stateTtl = stateTtl;
    this.timerGranularityMillis = Math.max(1, Math.min(10_000, deduplicator.windowMillis() / 6));
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<SensorHistory> descriptor =
        new ValueStateDescriptor<>("sensor-history", SensorHistorySerializer.INSTANCE);
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(stateTtl)
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .build());
    history = getRuntimeContext().getState(descriptor);
    var metrics = getRuntimeContext().getMetricGroup();
    exactDuplicates = metrics.addGroup("kind", "exact").counter("telemetryDuplicatesDropped");
    nearDuplicates = metrics.addGroup("kind", "deadband").counter("telemetryDuplicatesDropped");
    emitted = metrics.counter("telemetryEmitted");
  }

  @Override
  public void processElement(TelemetryReading reading, Context ctx, Collector<TelemetryReading> out)
      throws Exception {
    SensorHistory h = history.value();
    if (h == null) {
      h = new SensorHistory();
    }
    Deduplicator.Verdict verdict = deduplicator.judge(reading, h);
    // An exact duplicate leaves the history as it was: no write.
    if (verdict != Deduplicator.Verdict.EXACT_DUPLICATE) {
      long due = deduplicator.expiresAt(h);
      if (due > h.cleanupTimer) {
        h.cleanupTimer = roundUp(due);
        ctx.timerService().registerEventTimeTimer(h.cleanupTimer);
      }
      history.update(h);
    }
    switch (verdict) {
      case EMIT -> {
        reading.processedAt = ctx.timerService().currentProcessingTime();
        emitted.inc();
        out.collect(reading);
      }
      case EXACT_DUPLICATE -> exactDuplicates.inc();
      case NEAR_DUPLICATE -> nearDuplicates.inc();
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TelemetryReading> out)
      throws Exception {
    SensorHistory h = history.value();
    // Earlier timers of a sensor fire too; only the one covering its newest reading clears it.
    if (h != null && timestamp >= deduplicator.expiresAt(h)) {
      history.clear();
    }
  }

  private long roundUp(long time) {
    long r = Math.floorMod(time, timerGranularityMillis);
    return r == 0 ? time : time + (timerGranularityMillis - r);
  }
}
