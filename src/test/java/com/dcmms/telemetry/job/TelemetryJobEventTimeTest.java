package com.dcmms.telemetry.job;

import static com.dcmms.telemetry.testkit.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.inmemory.Collected;
import com.dcmms.telemetry.job.inmemory.InMemoryPipeline;
import com.dcmms.telemetry.job.inmemory.RawFeed;
import com.dcmms.telemetry.job.it.JobMetrics;
import com.dcmms.telemetry.testkit.Events;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dedup in event time on a MiniCluster (two TaskManagers, parallelism 2, four partitions) with
 * in-memory edges: duplicates that arrive through another subtask than their original, readings out
 * of order, and readings behind the watermark. The job's defaults: a 60 s window, 1 % deadband, 5 s
 * out-of-orderness.
 */
class TelemetryJobEventTimeTest {
  private static final JobMetrics METRICS = new JobMetrics();
  private static final int PARTITIONS = 4;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      InMemoryPipeline.miniCluster(2, 2, METRICS.configuration());

  @TempDir Path checkpoints;

  private final Collected out = Collected.create();
  private final RawFeed feed = new RawFeed(PARTITIONS);
  private final long base =
      Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @AfterEach
  void forget() {
    out.close();
  }

  @Test
  void dropsDuplicatesThatArriveThroughAnotherSubtask() throws Exception {
    int sensors = 8;
    List<String> expected = new ArrayList<>();
    // Each sensor's readings in order in one partition; every reading again in a partition read
    // by the other subtask (partition p goes to subtask p % 2).
    for (int s = 0; s < sensors; s++) {
      for (int i = 0; i < 10; i++) {
        ObjectNode r = Events.seriesReading(s, i, base, "site-x", "POWER");
        feed.add(s % PARTITIONS, r);
        feed.add((s + 1) % PARTITIONS, r);
        expected.add("s" + s + "-r" + i);
      }
    }
    // Once every reading has passed dedup (the watermark has passed them in every partition), a
    // near duplicate of each sensor's last reading and another repeat, again through the other
    // subtask.
    for (int p = 0; p < PARTITIONS; p++) {
      feed.add(p, clock(p, base + 30_000));
      expected.add("clock-" + p);
      feed.awaitWatermark(p, base + 20_000);
    }
    for (int s = 0; s < sensors; s++) {
      feed.add(
          (s + 1) % PARTITIONS,
          Events.nearDuplicate("near-" + s, s, 9, 500, base, "site-x", "POWER"));
      feed.add((s + 3) % PARTITIONS, Events.seriesReading(s, 9, base, "site-x", "POWER"));
    }

    JobID id = InMemoryPipeline.run(feed, out, InMemoryPipeline.options(checkpoints, Map.of()));

    assertThat(out.storedIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(out.validatedIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(METRICS.sum(id, "kind.exact.telemetryDuplicatesDropped")).isEqualTo(sensors * 11);
    assertThat(METRICS.sum(id, "kind.deadband.telemetryDuplicatesDropped")).isEqualTo(sensors);
  }

  @Test
  void storesReadingsOutOfOrderOnceAndDropsTheirRepeatsWhateverTheOrder() throws Exception {
    int[] order = {3, 1, 4, 0, 2, 9, 5, 8, 6, 7};
    List<String> expected = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      for (int k = 0; k < order.length; k++) {
        int i = order[k];
        // Values 5 % or more apart: no reading is a near duplicate of another, in any order.
        ObjectNode r =
            event(
                "o" + s + "-r" + i,
                base + i * 1_000L,
                "site-o",
                "asset-1",
                "sensor-" + s,
                "POWER",
                100 * Math.pow(1.05, i),
                "u");
        // Spread over every partition: a sensor's readings reach dedup from both subtasks.
        feed.add((s + k) % PARTITIONS, r);
        expected.add("o" + s + "-r" + i);
      }
      // A repeat by id of an earlier reading after later ones, and another event id at a
      // timestamp seen before: both exact duplicates.
      feed.add(
          s % PARTITIONS,
          event(
              "o" + s + "-r4",
              base + 4_000,
              "site-o",
              "asset-1",
              "sensor-" + s,
              "POWER",
              100 * Math.pow(1.05, 4),
              "u"));
      feed.add(
          (s + 1) % PARTITIONS,
          event(
              "o" + s + "-again",
              base + 1_000,
              "site-o",
              "asset-1",
              "sensor-" + s,
              "POWER",
              500,
              "u"));
    }

    JobID id = InMemoryPipeline.run(feed, out, InMemoryPipeline.options(checkpoints, Map.of()));

    assertThat(out.storedIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(out.validatedIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(METRICS.sum(id, "kind.exact.telemetryDuplicatesDropped")).isEqualTo(8);
    assertThat(METRICS.sum(id, "kind.deadband.telemetryDuplicatesDropped")).isZero();
  }

  /**
   * Late readings (behind the watermark) are stored, never dropped for being late. A sensor's dedup
   * state lives until the watermark has passed its newest reading by a window: within it a late
   * repeat is dropped; after it the sensor is forgotten, and a repeat that late is stored again
   * (QuestDB's upsert keys keep one row of it; validated_telemetry gets it twice).
   */
  @Test
  void storesLateReadingsAndDedupsThemAgainstTheStateLeftForTheirSensor() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      feed.add(
          0,
          event(
              "a-r" + i,
              base + i * 1_000L,
              "site-l",
              "asset-1",
              "sensor-a",
              "POWER",
              100 * Math.pow(1.05, i),
              "u"));
      expected.add("a-r" + i);
    }
    feed.add(0, event("d-r0", base + 240_000, "site-l", "asset-1", "sensor-d", "POWER", 50, "u"));
    expected.add("d-r0");
    for (int p = 0; p < PARTITIONS; p++) {
      feed.add(p, clock(p, base + 300_000));
      expected.add("clock-" + p);
    }
    // Sensor a's newest reading is at 9 s: its state goes once the watermark passes 69 s (its
    // timer rounds up to 70 s). Sensor d's, at 240 s, lives until 300 s.
    feed.awaitWatermark(0, base + 290_000);
    feed.add(
        0,
        event(
            "a-r5",
            base + 5_000,
            "site-l",
            "asset-1",
            "sensor-a",
            "POWER",
            100 * Math.pow(1.05, 5),
            "u"));
    expected.add("a-r5");
    feed.add(0, event("a-late", base + 20_000, "site-l", "asset-1", "sensor-a", "POWER", 300, "u"));
    expected.add("a-late");
    feed.add(
        0,
        event("a-late-near", base + 20_500, "site-l", "asset-1", "sensor-a", "POWER", 300.3, "u"));
    feed.add(
        0,
        event(
            "a-r5",
            base + 5_000,
            "site-l",
            "asset-1",
            "sensor-a",
            "POWER",
            100 * Math.pow(1.05, 5),
            "u"));
    feed.add(0, event("d-r0", base + 240_000, "site-l", "asset-1", "sensor-d", "POWER", 50, "u"));

    JobID id = InMemoryPipeline.run(feed, out, InMemoryPipeline.options(checkpoints, Map.of()));

    assertThat(out.storedIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(out.validatedIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(METRICS.sum(id, "kind.exact.telemetryDuplicatesDropped")).isEqualTo(2);
    assertThat(METRICS.sum(id, "kind.deadband.telemetryDuplicatesDropped")).isEqualTo(1);
  }

  /**
   * A reading of a sensor of its own in partition {@code p}: it moves that partition's event time
   * on.
   */
  private static ObjectNode clock(int p, long timestamp) {
    return event("clock-" + p, timestamp, "site-clock", "asset-1", "clock-" + p, "POWER", 1, "u");
  }
}
