package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.dcmms.telemetry.testkit.FreePorts;
import com.dcmms.telemetry.tools.cli.Cli;
import com.dcmms.telemetry.tools.cli.ToolRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The load test's exit statuses that need a real Kafka: a QuestDB nobody listens on is 2 before
 * anything is sent; a verification that finds the readings missing (no pipeline runs) is 1.
 */
@ExtendWith(RealServers.class)
class LoadTestExitStatusIT {
  private final PipelineFixture fx = new PipelineFixture("exitstatus");

  private ToolRun run(String questDbUrl, String... more) {
    String[] args =
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
          "20",
          "--rate",
          "0",
          "--workers",
          "1"
        };
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return ToolRun.of((out, err, a) -> LoadTest.run(a, out, err), all);
  }

  @Test
  void aQuestDbNobodyListensOnIsExitStatusTwoBeforeAnythingIsSent() {
    int port = FreePorts.loopback();
    ToolRun r = run("http://127.0.0.1:" + port, "--verify");
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "load-test: cannot reach QuestDB at http://127.0.0.1:"
                + port
                + " (--questdb-url): connection refused"
                + System.lineSeparator());
    assertThat(r.out()).isEmpty();
    assertThat(r.took()).isLessThan(Reachability.TIMEOUT);
    assertThat(fx.readCommitted(fx.rawTopic)).as("nothing sent").isEmpty();
  }

  @Test
  void aVerificationThatFindsTheReadingsMissingIsExitStatusOne() {
    // No job runs: the 20 readings reach raw_telemetry and nothing else.
    ToolRun r =
        run(
            "http://" + fx.questDb().host() + ":" + fx.questDb().httpPort(),
            "--verify",
            "--settle",
            "1s",
            "--verify-timeout",
            "30s",
            "--latency-sample",
            "0",
            "--anomalies",
            "0",
            "--duplicates",
            "0",
            "--near-duplicates",
            "0",
            "--malformed",
            "0");
    assertThat(r.status()).isEqualTo(Cli.FAILED);
    assertThat(r.out())
        .contains("sent 20 records")
        .contains("FAIL  validated_telemetry: every expected reading, nothing else")
        .contains("RESULT: FAIL");
    assertThat(r.err()).as("a failed check is the report's, not an error").isEmpty();
  }
}
