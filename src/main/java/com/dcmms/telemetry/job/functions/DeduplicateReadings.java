package com.dcmms.telemetry.job.functions;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.rules.Deduplicator;
import com.dcmms.telemetry.job.rules.SensorMemory;
import com.dcmms.telemetry.job.rules.SensorSummary;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops exact and near duplicates per sensor, keyed by {@code site_id:asset_id:sensor_id}.
 *
 * <p>State per sensor: a {@link SensorSummary} and two maps of the readings seen, timestamp →
 * event-id hash and back. A reading costs a few point lookups and writes of a few bytes,
 * whatever the sensor's rate; a whole-window history in one value would be read and rewritten
 * on every reading. Event-time timers, rounded so that a busy sensor registers few, forget
 * readings once the watermark has passed them by a window, and the whole sensor one window after
 * its newest reading. A processing-time TTL clears state when event time stops advancing (every
 * partition idle), so no state grows without bound.
 */
public class DeduplicateReadings extends KeyedProcessFunction<String, TelemetryReading, TelemetryReading> {
  private static final long serialVersionUID = 1L;
  static final String SUMMARY_STATE = "sensor-summary";

  private final Deduplicator deduplicator;
  private final Duration stateTtl;
  private final long timerGranularityMillis;

  private transient ValueState<SensorSummary> summary;
  private transient MapState<Long, Long> idHashByTimestamp;
  private transient MapState<Long, Long> timestampByIdHash;
  private transient KeyedMemory memory;
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
    var context = getRuntimeContext();
    summary = context.getState(summaryState(stateTtl));
    idHashByTimestamp = context.getMapState(seenByTimestampState(stateTtl));
    timestampByIdHash = context.getMapState(seenByEventIdState(stateTtl));
    memory = new KeyedMemory();
    var metrics = context.getMetricGroup();
    exactDuplicates = metrics.addGroup("kind", "exact").counter("telemetryDuplicatesDropped");
    nearDuplicates = metrics.addGroup("kind", "deadband").counter("telemetryDuplicatesDropped");
    emitted = metrics.counter("telemetryEmitted");
  }

  static ValueStateDescriptor<SensorSummary> summaryState(Duration ttl) {
    return withTtl(new ValueStateDescriptor<>(SUMMARY_STATE, TypeInformation.of(SensorSummary.class)), ttl);
  }

  static MapStateDescriptor<Long, Long> seenByTimestampState(Duration ttl) {
    return withTtl(new MapStateDescriptor<>("seen-by-timestamp", Types.LONG, Types.LONG), ttl);
  }

  static MapStateDescriptor<Long, Long> seenByEventIdState(Duration ttl) {
    return withTtl(new MapStateDescriptor<>("seen-by-event-id", Types.LONG, Types.LONG), ttl);
  }

  private static <D extends StateDescriptor<?, ?>> D withTtl(D descriptor, Duration ttl) {
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .build());
    return descriptor;
  }

  @Override
  public void processElement(TelemetryReading reading, Context ctx, Collector<TelemetryReading> out)
      throws Exception {
    Deduplicator.Verdict verdict = deduplicator.judge(reading, memory);
    SensorSummary s = memory.takeUpdated();
    if (s != null) {
      long due = roundUp(deduplicator.expiresAt(s));
      if (due > s.cleanupTimer) {
        s.cleanupTimer = due;
        ctx.timerService().registerEventTimeTimer(due);
      }
      summary.update(s);
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
    SensorSummary s = summary.value();
    if (s == null || timestamp >= deduplicator.expiresAt(s)) {
      summary.clear();
      idHashByTimestamp.clear();
      timestampByIdHash.clear();
      return;
    }
    // A sensor still reporting: forget only the readings the watermark has passed by a window.
    Iterator<Map.Entry<Long, Long>> seen = idHashByTimestamp.iterator();
    while (seen.hasNext()) {
      Map.Entry<Long, Long> e = seen.next();
      long seenAt = e.getKey();
      if (deduplicator.isForgettable(seenAt, timestamp)) {
        seen.remove();
        Long byId = timestampByIdHash.get(e.getValue());
        if (byId != null && byId == seenAt) {
          timestampByIdHash.remove(e.getValue());
        }
      }
    }
  }

  private long roundUp(long time) {
    long r = Math.floorMod(time, timerGranularityMillis);
    return r == 0 ? time : time + (timerGranularityMillis - r);
  }

  /** The sensor memory of the current key, in keyed state. */
  private final class KeyedMemory implements SensorMemory {
    private SensorSummary updated;

    @Override
    public boolean hasTimestamp(long timestamp) throws Exception {
      return idHashByTimestamp.contains(timestamp);
    }

    @Override
    public Long timestampOfEvent(long eventIdHash) throws Exception {
      return timestampByIdHash.get(eventIdHash);
    }

    @Override
    public void remember(long timestamp, long eventIdHash) throws Exception {
      idHashByTimestamp.put(timestamp, eventIdHash);
      timestampByIdHash.put(eventIdHash, timestamp);
    }

    @Override
    public SensorSummary summary() throws Exception {
      return summary.value();
    }

    /** Held until {@link #takeUpdated}, so that a reading writes its summary once. */
    @Override
    public void updateSummary(SensorSummary s) {
      updated = s;
    }

    SensorSummary takeUpdated() {
      SensorSummary s = updated;
      updated = null;
      return s;
    }
  }
}
