package com.dcmms.telemetry.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.host.flink.SnapshotCompatibility;
import com.dcmms.telemetry.host.flink.SnapshotFinder;
import com.dcmms.telemetry.job.inmemory.Collected;
import com.dcmms.telemetry.job.inmemory.InMemoryPipeline;
import com.dcmms.telemetry.job.inmemory.RawFeed;
import com.dcmms.telemetry.testkit.Events;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * State written under one state backend and read by the other, as when the service (heap state)
 * takes over from an earlier version (RocksDB) or a site moves to RocksDB: canonical savepoints
 * carry the state across in both directions with dedup intact (a near duplicate of a reading sent
 * before is dropped), and a checkpoint in the other backend's format is recognised as such.
 * In-memory edges, parallelism 2; every reading is stored and republished exactly once.
 */
class TelemetryJobStateBackendSwitchTest {
  private static final int SENSORS = 8;

  @RegisterExtension
  static final MiniClusterExtension FLINK = InMemoryPipeline.miniCluster(1, 2, new Configuration());

  @TempDir Path dir;

  private final Collected out = Collected.create();
  private final RawFeed feed = new RawFeed(4);
  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @AfterEach
  void forget() {
    out.close();
  }

  @Test
  void movesBetweenBackendsThroughSavepointsWithDedupStateIntact() throws Exception {
    feed.addAll(Events.series(0, 5, SENSORS, base, "site-s", "PRESSURE"));
    JobClient rocks = start("rocksdb", null);
    awaitRows(SENSORS * 5);
    String fromRocksDb = stopWithSavepoint(rocks);

    feed.addAll(Events.nearDuplicates(SENSORS, 4, "a", base, "site-s"));
    feed.addAll(Events.series(5, 10, SENSORS, base, "site-s", "PRESSURE"));
    assertThat(SnapshotCompatibility.format(Path.of(URI.create(fromRocksDb))))
        .isEqualTo(SnapshotCompatibility.Format.CANONICAL);
    JobClient heap = start("hashmap", fromRocksDb);
    awaitRows(SENSORS * 10);
    // A hard stop: what the next start finds is the heap backend's own checkpoint, which RocksDB
    // cannot read (its restore fails on the heap's key-group format), so the service refuses it.
    Path checkpoint = awaitCheckpointAfterRows(heap);
    heap.cancel().get();
    assertThat(SnapshotCompatibility.format(checkpoint))
        .isEqualTo(SnapshotCompatibility.Format.HASHMAP);
    assertThatThrownBy(() -> SnapshotCompatibility.requireRestorable(checkpoint, "rocksdb"))
        .isInstanceOf(IllegalStateException.class);

    // What the refusal says to do: resume on the heap, stop cleanly, then start on RocksDB.
    feed.addAll(Events.nearDuplicates(SENSORS, 9, "b", base, "site-s"));
    feed.addAll(Events.series(10, 15, SENSORS, base, "site-s", "PRESSURE"));
    JobClient resumed = start("hashmap", checkpoint.toUri().toString());
    awaitRows(SENSORS * 15);
    String fromHeap = stopWithSavepoint(resumed);

    feed.addAll(Events.nearDuplicates(SENSORS, 14, "c", base, "site-s"));
    feed.addAll(Events.series(15, 20, SENSORS, base, "site-s", "PRESSURE"));
    JobClient again = start("rocksdb", fromHeap);
    try {
      awaitRows(SENSORS * 20);
      assertThat(again.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    } finally {
      again.cancel().get();
    }

    List<String> expected =
        Events.series(0, 20, SENSORS, base, "site-s", "PRESSURE").stream()
            .map(e -> e.get("event_id").asText())
            .toList();
    assertThat(out.storedIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(out.validatedIds()).containsExactlyInAnyOrderElementsOf(expected);
  }

  private String stopWithSavepoint(JobClient job) throws Exception {
    return job.stopWithSavepoint(
            false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get();
  }

  private JobClient start(String backend, String restoreFrom) throws Exception {
    TelemetryJobOptions options =
        InMemoryPipeline.options(
            dir.resolve("checkpoints"), Map.of("parallelism", "2", "state.backend", backend));
    return InMemoryPipeline.start(feed, out, options, restoreFrom);
  }

  private void awaitRows(int expected) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> out.questDb().size() >= expected && out.validated().size() >= expected);
  }

  /** The newest checkpoint taken after every row was written: it holds every reading's history. */
  private Path awaitCheckpointAfterRows(JobClient job) {
    String jobDir = dir.resolve("checkpoints").resolve(job.getJobID().toString()).toString();
    Optional<Path> first = SnapshotFinder.newest(jobDir, dir.resolve("none").toString());
    return await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> SnapshotFinder.newest(jobDir, dir.resolve("none").toString()).orElse(null),
            p -> p != null && !Optional.of(p).equals(first));
  }
}
