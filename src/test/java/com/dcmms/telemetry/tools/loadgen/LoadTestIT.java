package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.it.PipelineFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The load generator against the real servers and the running job: its verification passes. */
@ExtendWith(RealServers.class)
class LoadTestIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1)
          .setNumberSlotsPerTaskManager(2)
          .build());

  @TempDir
  Path checkpoints;

  private final PipelineFixture fx = new PipelineFixture("loadgen");

  @Test
  void twoThousandEventsAtAThousandPerSecondVerify() throws Exception {
    JobClient job = PipelineFixture.start(fx.options(checkpoints));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    try {
      int status = LoadTest.run(new String[] {
          "--bootstrap-servers", RealServers.kafka().bootstrapServers(),
          "--topic", fx.rawTopic, "--validated-topic", fx.validatedTopic, "--dlq-topic", fx.deadLetterTopic,
          "--questdb-url", "http://" + fx.questDb().host() + ":" + fx.questDb().httpPort(),
          "--table", fx.table, "--events", "2000", "--rate", "1000", "--workers", "2",
          "--anomalies", "0.02", "--duplicates", "0.02", "--near-duplicates", "0.02",
          "--malformed", "0.01", "--out-of-order", "0.05", "--latency-sample", "0.05",
          "--verify", "--settle", "15s", "--verify-timeout", "120s"}, out);
      String report = buffer.toString(StandardCharsets.UTF_8);
      System.out.println(report);
      assertThat(report).contains("RESULT: PASS").doesNotContain("FAIL ");
      assertThat(report).containsPattern("e2e to QuestDB row +p50 ");
      assertThat(report).containsPattern("e2e to validated_telemetry +p50 ");
      assertThat(status).isEqualTo(LoadTest.OK);
    } finally {
      job.cancel().get();
    }
  }
}
