package com.dcmms.telemetry.job.functions;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.rules.Deduplicator;
import com.dcmms.telemetry.job.rules.SensorHistory;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
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
 * watermark has passed the newest reading by a window; a processing-time TTL clears it when event
 * time stops advancing (every partition idle), so no state grows without bound.
 *
 * <p>With a cache ({@code cacheSensors} > 0; off by default), histories in use stay on the heap (at
 * most {@code cacheSensors} of them). {@link DedupOperator} writes the changed ones to the keyed
 * state before every checkpoint barrier, so every snapshot holds them, and then drops the sensors
 * that had no reading since the barrier before, which leaves them to the state and its TTL; a full
 * cache is written and emptied. A sensor reporting every second thus costs one state write per
 * checkpoint instead of a read and a write per reading (a third of the service's allocation while
 * draining), and its history is one long-lived object instead of a new one per reading or per
 * checkpoint. After a failure the job restores the state of the last checkpoint and starts with an
 * empty cache.
 *
 * <p>Each sensor has one pending timer, not one per reading or per timer step: every checkpoint
 * writes all heap timers, and about seven per sensor (one per 10 s step of a window) made them most
 * of a heap snapshot at one-second checkpoints. A timer that fires before the sensor's newest
 * reading has aged a window moves itself on.
 */
public class DeduplicateReadings
    extends KeyedProcessFunction<String, TelemetryReading, TelemetryReading> {
  private static final long serialVersionUID = 1L;

  private final Deduplicator deduplicator;
  private final Duration stateTtl;
  private final int cacheSensors;

  /** Cleanup timers are rounded up to this, so a busy sensor registers few of them. */
  private final long timerGranularityMillis;

  private transient ValueState<SensorHistory> history;

  /** Histories in use, by sensor key; the changed ones are newer than the state's. */
  private transient Map<String, Cached> cache;

  /**
   * True for a heap state backend: it keeps the objects it is given and returns, unlike RocksDB.
   */
  private transient boolean stateKeepsObjects = true;

  private transient Counter exactDuplicates;
  private transient Counter nearDuplicates;
  private transient Counter emitted;

  /** How long the last write of the cache took: its share of a checkpoint's synchronous part. */
  private transient volatile double lastFlushMillis;

  /**
   * @param cacheSensors how many sensors' histories are kept on the heap between flushes; 0 reads
   *     and writes the state on every reading
   */
  public DeduplicateReadings(Deduplicator deduplicator, Duration stateTtl, int cacheSensors) {
    if (cacheSensors < 0) {
      throw new IllegalArgumentException("cacheSensors must not be negative, got " + cacheSensors);
    }
    this.deduplicator = deduplicator;
    this.stateTtl = stateTtl;
    this.cacheSensors = cacheSensors;
    this.timerGranularityMillis = Math.max(1, Math.min(10_000, deduplicator.windowMillis() / 6));
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<SensorHistory> descriptor =
        new ValueStateDescriptor<>("sensor-history", SensorHistorySerializer.INSTANCE);
    descriptor.enableTimeToLive(
        StateTtlConfig.newBuilder(stateTtl)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            .build());
    history = getRuntimeContext().getState(descriptor);
    cache = new HashMap<>();
    var metrics = getRuntimeContext().getMetricGroup();
    exactDuplicates = metrics.addGroup("kind", "exact").counter("telemetryDuplicatesDropped");
    nearDuplicates = metrics.addGroup("kind", "deadband").counter("telemetryDuplicatesDropped");
    emitted = metrics.counter("telemetryEmitted");
    if (cacheSensors > 0) {
      metrics.gauge("dedupCachedSensors", () -> cache.size());
      metrics.gauge("dedupCacheFlushMs", () -> lastFlushMillis);
    }
  }

  @Override
  public void processElement(TelemetryReading reading, Context ctx, Collector<TelemetryReading> out)
      throws Exception {
    Cached c = cacheSensors > 0 ? cached(ctx.getCurrentKey()) : null;
    SensorHistory h = c != null ? c.history : history.value();
    if (h == null) {
      h = new SensorHistory();
    }
    Deduplicator.Verdict verdict = deduplicator.judge(reading, h);
    // An exact duplicate leaves the history as it was: nothing to register or write.
    if (verdict != Deduplicator.Verdict.EXACT_DUPLICATE) {
      // One pending timer per sensor: it moves itself on when it fires early (onTimer).
      if (h.cleanupTimer == Long.MIN_VALUE) {
        h.cleanupTimer = roundUp(deduplicator.expiresAt(h));
        ctx.timerService().registerEventTimeTimer(h.cleanupTimer);
      }
      if (cacheSensors == 0) {
        history.update(h);
      } else {
        c.changed = true;
      }
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
    Cached c = cacheSensors > 0 ? cache.get(ctx.getCurrentKey()) : null;
    SensorHistory h = c != null ? c.history : history.value();
    if (h == null || timestamp != h.cleanupTimer) {
      return; // the TTL cleared the sensor, or a timer of state that has since been replaced
    }
    long due = deduplicator.expiresAt(h);
    if (timestamp >= due) {
      cache.remove(ctx.getCurrentKey());
      history.clear();
    } else {
      // Newer readings came after this timer was set: wait for the newest one's window.
      h.cleanupTimer = roundUp(due);
      ctx.timerService().registerEventTimeTimer(h.cleanupTimer);
      if (c != null) {
        c.changed = true;
      } else {
        history.update(h);
      }
    }
  }

  /** The sensor's cached history, read from the state into the cache when it is not there. */
  private Cached cached(String key) throws IOException {
    Cached c = cache.get(key);
    if (c == null) {
      SensorHistory stored = history.value();
      // A cached history changes in place, maybe while a heap backend's snapshot writes the
      // object it holds: never share one with such a backend.
      c = new Cached(stored == null ? new SensorHistory() : unshared(stored));
      cache.put(key, c);
    }
    c.used = true;
    return c;
  }

  /** True when the next reading of an uncached sensor would not fit: flush first. */
  boolean cacheFull() {
    return cacheSensors > 0 && cache.size() >= cacheSensors;
  }

  /**
   * Writes every changed history to the keyed state, then drops from the cache the sensors with no
   * reading since the last flush, or every sensor when {@code everything}. {@code setCurrentKey}
   * points the state at a sensor; the caller restores its own key afterwards.
   */
  void flush(Consumer<String> setCurrentKey, boolean everything) throws IOException {
    long start = System.nanoTime();
    for (Iterator<Map.Entry<String, Cached>> it = cache.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Cached> e = it.next();
      Cached c = e.getValue();
      if (c.changed) {
        setCurrentKey.accept(e.getKey());
        history.update(unshared(c.history));
        c.changed = false;
      }
      if (everything || !c.used) {
        it.remove();
      }
      c.used = false;
    }
    lastFlushMillis = (System.nanoTime() - start) / 1e6;
  }

  /** Called by the operator once it knows its state backend. */
  void stateKeepsObjects(boolean keeps) {
    stateKeepsObjects = keeps;
  }

  private SensorHistory unshared(SensorHistory h) {
    return stateKeepsObjects ? SensorHistorySerializer.INSTANCE.copy(h) : h;
  }

  int cachedSensors() {
    return cache.size();
  }

  /** A cached history, whether it changed since the last flush, and whether it was used. */
  private static final class Cached {
    final SensorHistory history;
    boolean changed;
    boolean used;

    Cached(SensorHistory history) {
      this.history = history;
    }
  }

  private long roundUp(long time) {
    long r = Math.floorMod(time, timerGranularityMillis);
    return r == 0 ? time : time + (timerGranularityMillis - r);
  }
}
