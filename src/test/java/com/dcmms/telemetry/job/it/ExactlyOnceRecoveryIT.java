package com.dcmms.telemetry.job.it;

import static com.dcmms.telemetry.job.it.PipelineFixture.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once end to end: TaskManagers die twice mid-stream, after checkpoints have completed;
 * the job restores from its checkpoint and in the end QuestDB and read-committed
 * validated_telemetry hold every distinct reading exactly once.
 */
@ExtendWith(RealServers.class)
class ExactlyOnceRecoveryIT {
  private static final int SENSORS = 40;
  private static final int READINGS_PER_SENSOR = 240;
  private static final int BATCHES = 4;

  /** One slot per TaskManager, so that each of the two holds a part of the job. */
  @RegisterExtension
  static final MiniClusterExtension FLINK = PipelineFixture.miniCluster(2, 1);

  @TempDir
  Path checkpoints;

  private final PipelineFixture fx = new PipelineFixture("recovery");
  private final long base = Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @Test
  void keepsEveryReadingExactlyOnceThroughTaskManagerFailures(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    fx.produce(batch(0));
    JobClient job = PipelineFixture.start(fx.options(checkpoints));
    JobID id = job.getJobID();
    try {
      long restoredBefore = -1;
      for (int failure = 1; failure <= 2; failure++) {
        long completed = completedCheckpoints(cluster, id);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
            .until(() -> completedCheckpoints(cluster, id) >= completed + 2
                && fx.questDb().count("SELECT count() FROM " + fx.table) > 0);
        fx.produce(batch(failure));
        // Kill one of the original TaskManagers while the new batch is in flight (the cluster
        // keeps terminated ones in its list), then give the cluster its slot back.
        cluster.terminateTaskManager(failure - 1).get();
        cluster.startTaskManager();
        long previous = restoredBefore;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
            .until(() -> restoredCheckpointId(cluster, id) > previous
                && cluster.getJobStatus(id).get() == JobStatus.RUNNING);
        restoredBefore = restoredCheckpointId(cluster, id);
      }
      fx.produce(batch(3));

      int expected = SENSORS * READINGS_PER_SENSOR;
      TelemetryJobIT.awaitExactly(
          () -> fx.questDb().count("SELECT count() FROM " + fx.table), expected);
      assertThat(fx.questDb().count("SELECT count_distinct(event_id) FROM " + fx.table))
          .isEqualTo(expected);
      TelemetryJobIT.awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), expected);
      Map<String, Integer> copies = new HashMap<>();
      fx.readCommittedJson(fx.validatedTopic)
          .forEach(r -> copies.merge(r.get("event_id").asText(), 1, Integer::sum));
      assertThat(copies).hasSize(expected);
      assertThat(copies.values()).allMatch(n -> n == 1);
      assertThat(restoredBefore).isPositive();
    } finally {
      job.cancel().get();
    }
  }

  /**
   * A quarter of every sensor's readings, each one far enough from the last to pass the
   * deadband, and every tenth one sent twice (an exact duplicate to drop).
   */
  private List<ProducerRecord<byte[], byte[]>> batch(int index) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    int perBatch = READINGS_PER_SENSOR / BATCHES;
    for (int i = index * perBatch; i < (index + 1) * perBatch; i++) {
      for (int s = 0; s < SENSORS; s++) {
        double value = 100 + (i % 2) * 10 + s;
        var reading = fx.raw(event("s" + s + "-r" + i, base + i * 1_000L, "site-" + (s % 3),
            "asset-" + (s % 7), "sensor-" + s, "POWER", value, "kW"));
        records.add(reading);
        if (i % 10 == 0) {
          records.add(reading);
        }
      }
    }
    return records;
  }

  private static long completedCheckpoints(MiniCluster cluster, JobID id) throws Exception {
    CheckpointStatsSnapshot stats = cluster.getExecutionGraph(id).get().getCheckpointStatsSnapshot();
    return stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints();
  }

  private static long restoredCheckpointId(MiniCluster cluster, JobID id) throws Exception {
    CheckpointStatsSnapshot stats = cluster.getExecutionGraph(id).get().getCheckpointStatsSnapshot();
    RestoredCheckpointStats restored = stats == null ? null : stats.getLatestRestoredCheckpoint();
    return restored == null ? -1 : restored.getCheckpointId();
  }
}
