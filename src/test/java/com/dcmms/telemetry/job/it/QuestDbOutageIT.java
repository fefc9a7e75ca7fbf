package com.dcmms.telemetry.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * QuestDB goes down mid-stream: the sink keeps its batch and retries with backoff (the pipeline
 * backpressures), and once QuestDB is back every reading is stored exactly once.
 */
@ExtendWith(RealServers.class)
class QuestDbOutageIT {
  private static final JobMetrics METRICS = new JobMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      PipelineFixture.miniCluster(1, 2, METRICS.configuration());

  @TempDir
  Path checkpoints;

  private final PipelineFixture fx = new PipelineFixture("outage");
  private final long base = Instant.now().minus(15, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @Test
  void retriesWhileQuestDbIsDownAndLosesNothing() throws Exception {
    TelemetryJobOptions options = fx.options(checkpoints).with("questdb.retry-timeout", "2 min");
    fx.produce(fx.readings(0, 10, 10, base, "site-9", "CURRENT"));
    JobClient job = PipelineFixture.start(options);
    JobID id = job.getJobID();
    try {
      TelemetryJobIT.awaitExactly(() -> fx.questDb().count("SELECT count() FROM " + fx.table), 100);
      fx.questDb().stop();
      try {
        fx.produce(fx.readings(10, 20, 10, base, "site-9", "CURRENT"));
        await().atMost(Duration.ofSeconds(60))
            .until(() -> METRICS.sum(id, "questdbRetries") > 0 && METRICS.sum(id, "questdbUnavailable") > 0);
      } finally {
        fx.questDb().start();
      }
      TelemetryJobIT.awaitExactly(() -> fx.questDb().count("SELECT count() FROM " + fx.table), 200);
      assertThat(fx.questDb().count("SELECT count_distinct(event_id) FROM " + fx.table)).isEqualTo(200);
      TelemetryJobIT.awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), 200);
      await().atMost(Duration.ofSeconds(30)).until(() -> METRICS.sum(id, "questdbUnavailable") == 0);
      assertThat(METRICS.sum(id, "questdbRowsWritten")).isGreaterThanOrEqualTo(200);
    } finally {
      job.cancel().get();
    }
  }
}
