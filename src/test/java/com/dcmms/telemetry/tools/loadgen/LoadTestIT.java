package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir Path checkpoints;

  private final PipelineFixture fx = new PipelineFixture("loadgen");

  @Test
  void twoThousandEventsAtAThousandPerSecondVerify() throws Exception {
    JobClient job = PipelineFixture.start(fx.options(checkpoints));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    try {
      int status =
          LoadTest.run(
              new String[] {
                "--bootstrap-servers",
                RealServers.kafka().bootstrapServers(),
                "--topic",
                fx.rawTopic,
                "--validated-topic",
                fx.validatedTopic,
                "--dlq-topic",
                fx.deadLetterTopic,
                "--questdb-url",
                "http://" + fx.questDb().host() + ":" + fx.questDb().httpPort(),
                "--table",
                fx.table,
                "--events",
                "2000",
                "--rate",
                "1000",
                "--workers",
                "2",
                "--anomalies",
                "0.02",
                "--duplicates",
                "0.02",
                "--near-duplicates",
                "0.02",
                "--malformed",
                "0.01",
                "--out-of-order",
                "0.05",
                "--latency-sample",
                "0.05",
                "--verify",
                "--settle",
                "15s",
                "--verify-timeout",
                "120s",
                "--report-json",
                checkpoints.resolve("report.json").toString()
              },
              out);
      String report = buffer.toString(StandardCharsets.UTF_8);
      System.out.println(report);
      assertThat(report).contains("RESULT: PASS").doesNotContain("FAIL ");
      assertThat(report).containsPattern("e2e to QuestDB row +p50 ");
      assertThat(report).containsPattern("e2e to validated_telemetry +p50 ");
      assertThat(status).isEqualTo(LoadTest.OK);

      // The benchmark reads the same figures from the JSON report.
      JsonNode json = new ObjectMapper().readTree(checkpoints.resolve("report.json").toFile());
      assertThat(json.path("sent").asLong()).isEqualTo(2000);
      assertThat(json.path("verified").asBoolean()).isTrue();
      assertThat(json.path("latencyFrom").asText())
          .as("a held rate has a schedule")
          .isEqualTo("scheduled");
      assertThat(json.path("expectedReadings").asLong())
          .isEqualTo(json.path("sent_VALID").asLong() + json.path("sent_ANOMALY").asLong());
      for (String output : new String[] {"questDb", "validatedTelemetry"}) {
        JsonNode latency = json.path(output);
        assertThat(latency.path("count").asInt()).as(output).isPositive();
        assertThat(latency.path("series")).as(output).hasSize(latency.path("count").asInt());
        assertThat(latency.path("p99Ms").asDouble())
            .as(output)
            .isBetween(latency.path("p50Ms").asDouble(), latency.path("maxMs").asDouble());
      }
    } finally {
      job.cancel().get();
    }
  }

  @Test
  void aBacklogCarriesTheEventTimeOfItsRecordingRateAndVerifies() throws Exception {
    JobClient job = PipelineFixture.start(fx.options(checkpoints));
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    String questDbUrl = "http://" + fx.questDb().host() + ":" + fx.questDb().httpPort();
    long before = System.currentTimeMillis();
    try {
      // 3,000 events recorded at 500/s: event times spread over the 6 s before the start.
      int status =
          LoadTest.run(
              new String[] {
                "--bootstrap-servers",
                RealServers.kafka().bootstrapServers(),
                "--topic",
                fx.rawTopic,
                "--validated-topic",
                fx.validatedTopic,
                "--dlq-topic",
                fx.deadLetterTopic,
                "--questdb-url",
                questDbUrl,
                "--table",
                fx.table,
                "--events",
                "3000",
                "--rate",
                "0",
                "--event-rate",
                "500",
                "--workers",
                "2",
                "--out-of-order",
                "0",
                "--verify",
                "--settle",
                "15s",
                "--verify-timeout",
                "120s"
              },
              out);
      String report = buffer.toString(StandardCharsets.UTF_8);
      System.out.println(report);
      assertThat(report)
          .contains("event time: a backlog recorded at 500 events/s, from 6 s before the start");
      assertThat(report).contains("RESULT: PASS").doesNotContain("FAIL ");
      assertThat(status).isEqualTo(LoadTest.OK);

      JsonNode span =
          new QuestDbClient(questDbUrl)
              .query(
                  "SELECT cast(min(timestamp) AS long), "
                      + "cast(max(timestamp) AS long) FROM "
                      + fx.table)
              .get(0);
      long first = span.get(0).asLong() / 1_000;
      long last = span.get(1).asLong() / 1_000;
      assertThat(last - first).as("2,999 steps of 2 ms").isBetween(5_900L, 5_998L);
      assertThat(first).isBetween(before - 6_000, before - 6_000 + 5_000);
      assertThat(last).isLessThan(System.currentTimeMillis());
    } finally {
      job.cancel().get();
    }
  }
}
