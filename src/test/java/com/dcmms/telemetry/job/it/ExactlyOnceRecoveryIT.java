package com.dcmms.telemetry.job.it;

import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.faults.DeliveryCheck;
import com.dcmms.telemetry.faults.DeliveryCheck.Span;
import com.dcmms.telemetry.faults.SentLedger;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once end to end: a TaskManager dies three times mid-stream, each time with a batch in
 * flight and after checkpoints have completed; the job restores from its checkpoint each time, and
 * in the end QuestDB, read-committed validated_telemetry and the dead letters hold every record
 * exactly as sent. The counters of the latest attempt, which replayed what came after its
 * checkpoint, add up. Dedup runs with its cache, so that its flush before each barrier is what the
 * restored checkpoints hold.
 */
@ExtendWith(RealServers.class)
class ExactlyOnceRecoveryIT {
  private static final int SENSORS = 40;
  private static final int READINGS_PER_BATCH = 48;
  private static final int FAILURES = 3;
  private static final JobMetrics METRICS = new JobMetrics();

  /** One slot per TaskManager, so that each of the two holds a part of the job. */
  @RegisterExtension
  static final MiniClusterExtension FLINK =
      PipelineFixture.miniCluster(2, 1, METRICS.configuration());

  @TempDir Path checkpoints;

  private final PipelineFixture fx = new PipelineFixture("recovery");
  private final SentLedger ledger = new SentLedger(fx, "site-r", SENSORS);

  @Test
  void keepsEveryRecordExactlyOnceThroughThreeTaskManagerFailures(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    sendBatch(0);
    // With the dedup cache on, smaller than a subtask's sensors so that it also fills: the other
    // ITs run the default, without it.
    JobClient job =
        PipelineFixture.start(fx.options(checkpoints).with("dedup.cache-sensors", "16"));
    JobID id = job.getJobID();
    try {
      long restoredBefore = -1;
      for (int failure = 1; failure <= FAILURES; failure++) {
        long completed = completedCheckpoints(cluster, id);
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    completedCheckpoints(cluster, id) >= completed + 2
                        && fx.questDb().count("SELECT count() FROM " + fx.table) > 0);
        sendBatch(failure);
        // Kill a TaskManager that holds part of the job (the cluster keeps terminated ones in its
        // list: the first two, then the one started after the first failure) while the new
        // batch is in flight, then give the cluster its slot back.
        cluster.terminateTaskManager(failure - 1).get();
        cluster.startTaskManager();
        long previous = restoredBefore;
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    restoredCheckpointId(cluster, id) > previous
                        && cluster.getJobStatus(id).get() == JobStatus.RUNNING);
        restoredBefore = restoredCheckpointId(cluster, id);
      }
      sendBatch(FAILURES + 1);

      new DeliveryCheck(fx, ledger)
          .assertExactlyOnce(
              Span.sinceRestore(
                  "latest attempt after " + FAILURES + " TaskManager failures",
                  () -> METRICS.latestAttemptCounters(id)));
    } finally {
      job.cancel().get();
    }
  }

  /**
   * The next readings of every sensor, each far enough from the last to pass the deadband and every
   * tenth one sent twice; then an exact and a near duplicate of each sensor's last reading, and
   * records to reject.
   */
  private void sendBatch(int index) {
    int from = index * READINGS_PER_BATCH;
    ledger.sendReadings(from, from + READINGS_PER_BATCH, 10);
    ledger.sendRepeatsOf(from + READINGS_PER_BATCH - 1, "b" + index);
    ledger.sendRejects("b" + index);
  }

  private static long completedCheckpoints(MiniCluster cluster, JobID id) throws Exception {
    CheckpointStatsSnapshot stats =
        cluster.getExecutionGraph(id).get().getCheckpointStatsSnapshot();
    return stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints();
  }

  private static long restoredCheckpointId(MiniCluster cluster, JobID id) throws Exception {
    CheckpointStatsSnapshot stats =
        cluster.getExecutionGraph(id).get().getCheckpointStatsSnapshot();
    RestoredCheckpointStats restored = stats == null ? null : stats.getLatestRestoredCheckpoint();
    return restored == null ? -1 : restored.getCheckpointId();
  }
}
