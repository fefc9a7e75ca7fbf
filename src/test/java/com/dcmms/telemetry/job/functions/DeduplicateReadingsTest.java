package com.dcmms.telemetry.job.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.rules.Deduplicator;
import com.dcmms.telemetry.testkit.Events;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dedup operator: per-sensor state, its cleanup by event-time timers, snapshots, and the
 * histories it keeps on the heap between checkpoint barriers.
 */
class DeduplicateReadingsTest {
  /** A multiple of the cleanup timers' 10 s granularity, so that they fire at newest + window. */
  private static final long T = 1_700_000_000_000L;

  private static final long WINDOW = 60_000;
  private static final Duration STATE_TTL = Duration.ofHours(1);
  private static final int CACHE_SENSORS = 10_000;

  private KeyedOneInputStreamOperatorTestHarness<String, TelemetryReading, TelemetryReading>
      harness;
  private long checkpointId;

  @BeforeEach
  void openHarness() throws Exception {
    harness = harness(new HashMapStateBackend(), CACHE_SENSORS);
    harness.open();
  }

  @AfterEach
  void closeHarness() throws Exception {
    harness.close();
  }

  @Test
  void emitsDistinctReadingsAndDropsDuplicatesPerSensor() throws Exception {
    process(reading("A", "e-1", T, 20.0));
    process(reading("A", "e-1", T + 1_000, 25.0)); // exact: same event id
    process(reading("A", "e-2", T, 26.0)); // exact: same timestamp
    process(reading("A", "e-3", T + 2_000, 20.1)); // near: within 1 %
    process(reading("B", "e-1", T, 20.0)); // same id and time, other sensor
    process(reading("B", "e-4", T + 2_000, 20.1)); // near
    process(reading("A", "e-5", T + 3_000, 21.0));
    process(reading("B", "e-6", T + 3_000, 20.0, "BAD"));

    assertThat(emitted()).containsExactly("A/e-1", "B/e-1", "A/e-5", "B/e-6");
  }

  @Test
  void dropsRepeatedReadingWithinWindow() throws Exception {
    process(reading("A", "e-1", T, 20.0));
    process(reading("A", "e-1", T, 20.0));

    assertThat(emitted()).containsExactly("A/e-1");
  }

  @Test
  void emitsSteadyValueOncePerWindow() throws Exception {
    for (long t = T; t <= T + 2 * WINDOW; t += 10_000) {
      process(reading("A", "e-" + t, t, 50.0));
    }

    assertThat(emitted())
        .containsExactly("A/e-" + T, "A/e-" + (T + WINDOW), "A/e-" + (T + 2 * WINDOW));
  }

  @Test
  void setsProcessedAtToProcessingTimeOfEmission() throws Exception {
    harness.setProcessingTime(T + 1_234);
    process(reading("A", "e-1", T, 20.0));
    harness.setProcessingTime(T + 5_678);
    process(reading("A", "e-2", T + 1_000, 40.0));

    List<TelemetryReading> out = harness.extractOutputValues();
    assertThat(out).extracting(r -> r.processedAt).containsExactly(T + 1_234, T + 5_678);
    assertThat(out.get(0).timestamp).as("event time is unchanged").isEqualTo(T);
  }

  @Test
  void passesEmittedReadingOnUnchangedApartFromProcessedAt() throws Exception {
    TelemetryReading in = reading("A", "e-1", T, 20.0);
    TelemetryReading expected = in.copy();
    harness.setProcessingTime(42);
    expected.processedAt = 42;

    process(in);

    assertThat(harness.extractOutputValues()).containsExactly(expected);
  }

  @Test
  void keepsStateUntilWatermarkPassesNewestReadingByWindow() throws Exception {
    process(reading("A", "e-1", T, 20.0));
    process(reading("A", "e-2", T + 10_000, 20.0));

    harness.processWatermark(T + 10_000 + WINDOW - 1);
    barrier();

    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
  }

  @Test
  void cleansStateAndTimersOnceWatermarkPassesNewestReadingByWindow() throws Exception {
    process(reading("A", "e-1", T, 20.0));
    process(reading("A", "e-2", T + 10_000, 20.0));
    process(reading("B", "e-3", T, 20.0));
    barrier();
    assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    process(reading("A", "e-4", T + 10_000, 20.0)); // cached again, then cleaned from the cache

    harness.processWatermark(T + 10_000 + WINDOW);
    barrier();

    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(emitted()).as("timers emit nothing").containsExactly("A/e-1", "B/e-3");
  }

  @Test
  void cleansEachSensorOnItsOwnSchedule() throws Exception {
    process(reading("A", "e-1", T, 20.0));
    process(reading("B", "e-2", T + 30_000, 20.0));

    harness.processWatermark(T + WINDOW);
    barrier();

    assertThat(harness.numKeyedStateEntries()).as("B is still within its window").isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    process(reading("B", "e-3", T + 29_000, 20.1));
    assertThat(emitted()).as("B's history survived A's cleanup").containsExactly("A/e-1", "B/e-2");

    harness.processWatermark(T + 30_000 + WINDOW);
    barrier();

    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void keepsStateWhenANewerReadingExtendedItsLifetime() throws Exception {
    process(reading("A", "e-1", T, 20.0));
    process(reading("A", "e-2", T + 30_000, 20.0)); // a near duplicate still counts as seen

    harness.processWatermark(T + WINDOW);
    barrier();

    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers())
        .as("the fired timer moved on to e-2's window")
        .isEqualTo(1);
    process(reading("A", "e-2", T + 30_000, 20.0));
    assertThat(emitted()).as("the exact duplicate is still recognised").containsExactly("A/e-1");

    harness.processWatermark(T + 30_000 + WINDOW);
    barrier();

    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void registersFewTimersForABusySensor() throws Exception {
    for (int i = 0; i < 100; i++) {
      process(reading("A", "e-" + i, T + i * 100L, i));
    }

    assertThat(harness.numEventTimeTimers()).as("one pending timer per sensor").isEqualTo(1);
  }

  @Test
  void forgetsHistoryAfterStateTtlWhenEventTimeStalls() throws Exception {
    harness.setStateTtlProcessingTime(0);
    process(reading("A", "e-1", T, 20.0));
    barrier();
    harness.setStateTtlProcessingTime(STATE_TTL.toMillis() - 1);
    process(reading("A", "e-2", T + 1_000, 20.0)); // still within the TTL: dropped
    barrier(); // written at TTL - 1
    barrier(); // no reading of A since the barrier before: it leaves the cache for the state
    harness.setStateTtlProcessingTime(2 * STATE_TTL.toMillis());

    process(reading("A", "e-3", T + 2_000, 20.0));

    assertThat(emitted()).containsExactly("A/e-1", "A/e-3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void keepsDedupDecisionsAcrossSnapshotAndRestore(String backend) throws Exception {
    useHarness(backend, CACHE_SENSORS);
    process(reading("A", "e-1", T, 20.0));
    process(reading("B", "e-2", T, 30.0));
    OperatorSubtaskState snapshot = checkpoint();
    harness.close();

    harness = harness(backend(backend), CACHE_SENSORS);
    harness.initializeState(snapshot);
    harness.open();

    assertThat(sensorsInState())
        .containsExactlyInAnyOrder("site-1:inverter-7:A", "site-1:inverter-7:B");
    assertThat(harness.numEventTimeTimers()).as("timers are restored with the state").isEqualTo(2);
    process(reading("A", "e-3", T + 10_000, 20.1)); // near duplicate of e-1
    process(reading("A", "e-1", T + 20_000, 99.0)); // exact duplicate by event id
    process(reading("B", "e-4", T, 31.0)); // exact duplicate by timestamp
    process(reading("B", "e-5", T + 10_000, 45.0));
    assertThat(emitted()).containsExactly("B/e-5");

    harness.processWatermark(T + 10_000 + WINDOW);

    assertThat(sensorsInState()).isEmpty();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void writesHistoriesToStateOnlyAtCheckpointBarriers(String backend) throws Exception {
    useHarness(backend, CACHE_SENSORS);
    process(reading("A", "e-1", T, 20.0));
    process(reading("A", "e-2", T + 1_000, 25.0));
    process(reading("B", "e-3", T, 30.0));

    assertThat(sensorsInState()).as("cached until the barrier").isEmpty();

    barrier();

    assertThat(sensorsInState())
        .containsExactlyInAnyOrder("site-1:inverter-7:A", "site-1:inverter-7:B");
    process(reading("A", "e-2", T + 2_000, 99.0)); // read back from the state
    assertThat(emitted()).containsExactly("A/e-1", "A/e-2", "B/e-3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void flushesAFullCacheAndJudgesTheNextReadingUnderItsOwnSensor(String backend) throws Exception {
    useHarness(backend, 2);
    process(reading("A", "e-1", T, 20.0));
    process(reading("B", "e-2", T, 30.0));
    assertThat(sensorsInState()).isEmpty();

    // Same timestamp as B's reading: judged against B's history it would be an exact duplicate.
    process(reading("C", "e-3", T, 40.0));

    assertThat(emitted()).containsExactly("A/e-1", "B/e-2", "C/e-3");
    assertThat(sensorsInState())
        .as("A and B written to make room for C")
        .containsExactlyInAnyOrder("site-1:inverter-7:A", "site-1:inverter-7:B");
    process(reading("A", "e-1", T + 5_000, 20.0)); // exact duplicate, read back from the state
    process(reading("B", "e-4", T + 5_000, 30.1)); // near duplicate
    process(reading("C", "e-3", T + 5_000, 40.0)); // exact duplicate, from the cache
    assertThat(emitted()).containsExactly("A/e-1", "B/e-2", "C/e-3");
    barrier();
    assertThat(sensorsInState())
        .containsExactlyInAnyOrder(
            "site-1:inverter-7:A", "site-1:inverter-7:B", "site-1:inverter-7:C");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hashmap", "rocksdb"})
  void dropsAnIdleSensorFromTheCacheButKeepsItsHistory(String backend) throws Exception {
    useHarness(backend, CACHE_SENSORS);
    process(reading("A", "e-1", T, 20.0));
    process(reading("B", "e-2", T, 30.0));
    barrier();
    process(reading("B", "e-3", T + 1_000, 35.0));
    barrier(); // A had no reading since the barrier before

    assertThat(sensorsInState())
        .containsExactlyInAnyOrder("site-1:inverter-7:A", "site-1:inverter-7:B");
    assertThat(dedup().cachedSensors()).as("only B stays cached").isEqualTo(1);
    process(reading("A", "e-1", T + 2_000, 50.0)); // exact duplicate, read back from the state
    process(reading("B", "e-2", T + 2_000, 60.0)); // exact duplicate, from the cache
    assertThat(emitted()).containsExactly("A/e-1", "B/e-2", "B/e-3");
  }

  @Test
  void withoutCacheWritesStateOnEveryReading() throws Exception {
    useHarness("hashmap", 0);
    process(reading("A", "e-1", T, 20.0));

    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    process(reading("A", "e-2", T + 1_000, 20.1));
    process(reading("A", "e-1", T + 2_000, 50.0));
    assertThat(emitted()).containsExactly("A/e-1");
  }

  @Test
  void rejectsANegativeCacheSize() {
    Deduplicator deduplicator = new Deduplicator(Duration.ofMillis(WINDOW), true, 0.01, 0.001);

    assertThatThrownBy(() -> new DeduplicateReadings(deduplicator, STATE_TTL, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cacheSensors");
  }

  // --- Helpers --------------------------------------------------------------------------------

  private static KeyedOneInputStreamOperatorTestHarness<String, TelemetryReading, TelemetryReading>
      harness(StateBackend backend, int cacheSensors) throws Exception {
    Deduplicator deduplicator = new Deduplicator(Duration.ofMillis(WINDOW), true, 0.01, 0.001);
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new DedupOperator(new DeduplicateReadings(deduplicator, STATE_TTL, cacheSensors)),
            new SensorKey(),
            Types.STRING);
    h.setStateBackend(backend);
    return h;
  }

  private void useHarness(String backend, int cacheSensors) throws Exception {
    harness.close();
    harness = harness(backend(backend), cacheSensors);
    harness.open();
  }

  private DeduplicateReadings dedup() {
    return (DeduplicateReadings) ((DedupOperator) harness.getOperator()).getUserFunction();
  }

  /** What the task does before it sends a checkpoint barrier on. */
  private void barrier() throws Exception {
    harness.prepareSnapshotPreBarrier(++checkpointId);
  }

  /** A checkpoint as the task takes it: the barrier's preparation, then the snapshot. */
  private OperatorSubtaskState checkpoint() throws Exception {
    barrier();
    return harness.snapshot(checkpointId, T + checkpointId);
  }

  private static StateBackend backend(String name) {
    return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  /** Keys with dedup state; works for RocksDB too, unlike numKeyedStateEntries(). */
  private List<String> sensorsInState() throws Exception {
    try (Stream<String> keys =
        harness
            .getOperator()
            .<String>getKeyedStateBackend()
            .getKeys("sensor-history", VoidNamespace.INSTANCE)) {
      return keys.toList();
    }
  }

  private void process(TelemetryReading r) throws Exception {
    harness.processElement(r, r.timestamp);
  }

  /** Emitted readings as sensor/event id. */
  private List<String> emitted() {
    return harness.extractOutputValues().stream().map(r -> r.sensorId + "/" + r.eventId).toList();
  }

  private static TelemetryReading reading(
      String sensor, String eventId, long timestamp, double value) {
    return reading(sensor, eventId, timestamp, value, "GOOD");
  }

  private static TelemetryReading reading(
      String sensor, String eventId, long timestamp, double value, String qualityFlag) {
    return Events.reading()
        .sensor(sensor)
        .id(eventId)
        .at(timestamp)
        .value(value)
        .quality(qualityFlag)
        .build();
  }
}
