package com.dcmms.telemetry.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.faults.DeliveryCheck;
import com.dcmms.telemetry.faults.DeliveryCheck.Span;
import com.dcmms.telemetry.faults.SentLedger;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * QuestDB goes down mid-stream: the sink keeps its batch and retries with backoff (the pipeline
 * backpressures), and once QuestDB is back every reading is stored exactly once and the job's
 * counters, which never restarted, match what was sent.
 */
@ExtendWith(RealServers.class)
class QuestDbOutageIT {
  private static final JobMetrics METRICS = new JobMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      PipelineFixture.miniCluster(1, 2, METRICS.configuration());

  @TempDir Path checkpoints;

  private final PipelineFixture fx = new PipelineFixture("outage");
  private final SentLedger ledger = new SentLedger(fx, "site-9", 10);
  private final DeliveryCheck check = new DeliveryCheck(fx, ledger);

  @Test
  void retriesWhileQuestDbIsDownAndLosesNothing() throws Exception {
    TelemetryJobOptions options = fx.options(checkpoints).with("questdb.retry-timeout", "2 min");
    ledger.sendReadings(0, 10, 5);
    ledger.sendRejects("before");
    JobClient job = PipelineFixture.start(options);
    JobID id = job.getJobID();
    try {
      check.awaitDrained();
      fx.questDb().stop();
      try {
        ledger.sendReadings(10, 20, 5);
        ledger.sendRepeatsOf(19, "during");
        ledger.sendRejects("during");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    METRICS.sum(id, "questdbRetries") > 0
                        && METRICS.sum(id, "questdbUnavailable") > 0);
      } finally {
        fx.questDb().start();
      }
      check.assertExactlyOnce(Span.exact("job", () -> METRICS.counters(id), ledger.all()));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> METRICS.sum(id, "questdbUnavailable") == 0);
      assertThat(ledger.all().stored()).isEqualTo(200);
    } finally {
      job.cancel().get();
    }
  }
}
