package com.dcmms.telemetry.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.host.flink.SnapshotCompatibility;
import com.dcmms.telemetry.host.flink.SnapshotFinder;
import com.dcmms.telemetry.job.TelemetryJob;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * State written under one state backend and read by the other, as when the service (heap state)
 * takes over from an earlier version (RocksDB) or a site moves to RocksDB: canonical savepoints
 * carry the state across in both directions with dedup intact (a near duplicate of a reading
 * sent before is dropped), and a checkpoint in the other backend's format is recognised as such.
 */
@ExtendWith(RealServers.class)
class StateBackendSwitchIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = PipelineFixture.miniCluster(1, 2);

  @TempDir
  Path dir;

  private final PipelineFixture fx = new PipelineFixture("backend_switch");
  private final long base = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
  private static final int SENSORS = 8;

  @Test
  void movesBetweenBackendsThroughSavepointsWithDedupStateIntact() throws Exception {
    fx.produce(fx.readings(0, 5, SENSORS, base, "site-s", "PRESSURE"));
    JobClient rocks = start("rocksdb", null);
    awaitRows(SENSORS * 5);
    String fromRocksDb = stopWithSavepoint(rocks);

    fx.produce(fx.nearDuplicates(SENSORS, 4, "a", base, "site-s"));
    fx.produce(fx.readings(5, 10, SENSORS, base, "site-s", "PRESSURE"));
    assertThat(SnapshotCompatibility.format(Path.of(URI.create(fromRocksDb))))
        .isEqualTo(SnapshotCompatibility.Format.CANONICAL);
    JobClient heap = start("hashmap", fromRocksDb);
    awaitRows(SENSORS * 10);
    // A hard stop: what the next start finds is the heap backend's own checkpoint, which RocksDB
    // cannot read (its restore fails on the heap's key-group format), so the service refuses it.
    Path checkpoint = awaitCheckpointAfterRows(heap);
    heap.cancel().get();
    assertThat(SnapshotCompatibility.format(checkpoint)).isEqualTo(SnapshotCompatibility.Format.HASHMAP);
    assertThatThrownBy(() -> SnapshotCompatibility.requireRestorable(checkpoint, "rocksdb"))
        .isInstanceOf(IllegalStateException.class);

    // What the refusal says to do: resume on the heap, stop cleanly, then start on RocksDB.
    fx.produce(fx.nearDuplicates(SENSORS, 9, "b", base, "site-s"));
    fx.produce(fx.readings(10, 15, SENSORS, base, "site-s", "PRESSURE"));
    JobClient resumed = start("hashmap", checkpoint.toUri().toString());
    awaitRows(SENSORS * 15);
    String fromHeap = stopWithSavepoint(resumed);

    fx.produce(fx.nearDuplicates(SENSORS, 14, "c", base, "site-s"));
    fx.produce(fx.readings(15, 20, SENSORS, base, "site-s", "PRESSURE"));
    JobClient again = start("rocksdb", fromHeap);
    try {
      awaitRows(SENSORS * 20);
      assertThat(again.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    } finally {
      again.cancel().get();
    }

    assertThat(fx.questDb().count("SELECT count() FROM " + fx.table + " WHERE event_id LIKE 'near-%'")).isZero();
    assertThat(fx.questDb().count("SELECT count_distinct(event_id) FROM " + fx.table)).isEqualTo(SENSORS * 20);
    assertThat(fx.readCommittedJson(fx.validatedTopic))
        .hasSize(SENSORS * 20)
        .noneMatch(r -> r.get("event_id").asText().startsWith("near-"));
  }

  private String stopWithSavepoint(JobClient job) throws Exception {
    return job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
        SavepointFormatType.CANONICAL).get();
  }

  private JobClient start(String backend, String restoreFrom) throws Exception {
    TelemetryJobOptions options = fx.options(dir.resolve("checkpoints"))
        .with(java.util.Map.of("parallelism", "2", "state.backend", backend));
    Configuration config = TelemetryJob.flinkConfiguration(options);
    if (restoreFrom != null) {
      config.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    TelemetryJob.build(env, options);
    return env.executeAsync(TelemetryJob.JOB_NAME);
  }

  private void awaitRows(long expected) {
    TelemetryJobIT.awaitExactly(() -> fx.questDb().count("SELECT count() FROM " + fx.table), expected);
    TelemetryJobIT.awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), expected);
  }

  /** The newest checkpoint taken after every row was visible: it holds every reading's history. */
  private Path awaitCheckpointAfterRows(JobClient job) {
    String jobDir = dir.resolve("checkpoints").resolve(job.getJobID().toString()).toString();
    Optional<Path> first = SnapshotFinder.newest(jobDir, dir.resolve("none").toString());
    return await().atMost(Duration.ofMinutes(1)).until(
        () -> SnapshotFinder.newest(jobDir, dir.resolve("none").toString()).orElse(null),
        p -> p != null && !Optional.of(p).equals(first));
  }
}
