package com.dcmms.telemetry.job.it;

import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.EmbeddedKafka;
import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.faults.DeliveryCheck;
import com.dcmms.telemetry.faults.DeliveryCheck.Span;
import com.dcmms.telemetry.faults.SentLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka broker stops for 30 s mid-stream, while a device keeps sending, and starts again on the
 * same data and port: the job runs on throughout, and in the end every reading is delivered exactly
 * once and its counters, which never restarted, match what was sent.
 */
@ExtendWith(RealServers.class)
class KafkaOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final JobMetrics METRICS = new JobMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      PipelineFixture.miniCluster(1, 2, METRICS.configuration());

  @TempDir Path checkpoints;

  private final EmbeddedKafka kafka = RealServers.kafka();
  private final PipelineFixture fx = new PipelineFixture("kafka_outage");
  private final SentLedger ledger = new SentLedger(fx, "site-k", 10);
  private final DeliveryCheck check = new DeliveryCheck(fx, ledger);

  @Test
  void runsThroughABrokerOutageAndDeliversEveryRecordOnce(@InjectMiniCluster MiniCluster cluster)
      throws Exception {
    ledger.sendReadings(0, 10, 5);
    ledger.sendRejects("before");
    JobClient job = PipelineFixture.start(fx.options(checkpoints));
    JobID id = job.getJobID();
    try {
      // Mid-stream: readings are reaching QuestDB while their Kafka transactions are still open.
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> fx.questDb().count("SELECT count() FROM " + fx.table) > 0);
      CompletableFuture<Void> sentDuringOutage;
      kafka.stop();
      try {
        // The device's producer holds its records until the broker is back.
        sentDuringOutage =
            CompletableFuture.runAsync(
                () -> {
                  ledger.sendReadings(10, 20, 5);
                  ledger.sendRejects("during");
                });
        await("job running while the broker is down")
            .during(OUTAGE)
            .atMost(OUTAGE.plusSeconds(10))
            .until(() -> cluster.getJobStatus(id).get() == JobStatus.RUNNING);
      } finally {
        kafka.restart();
      }
      sentDuringOutage.get(2, TimeUnit.MINUTES);
      ledger.sendRepeatsOf(19, "after");
      ledger.sendReadings(20, 25, 0);
      ledger.sendRejects("after");

      check.assertExactlyOnce(Span.exact("job", () -> METRICS.counters(id), ledger.all()));
    } finally {
      job.cancel().get();
    }
  }
}
