package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.testkit.FreePorts;
import com.dcmms.telemetry.tools.cli.Cli;
import com.dcmms.telemetry.tools.cli.ToolRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/load-test} behaves like a tool: help and version anywhere, one line on stderr and exit
 * status 2 for bad options and for a Kafka that does not answer. The failed verification (exit
 * status 1) and an unreachable QuestDB need a real Kafka: {@link LoadTestExitStatusIT}.
 */
class LoadTestExitStatusTest {
  private static final String NL = System.lineSeparator();

  static ToolRun run(String... args) {
    return ToolRun.of((out, err, a) -> LoadTest.run(a, out, err), args);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "-h",
        "--events 10 --help",
        "--help --events 10",
        "--rate fast --help",
        "--speed 3 --verify -h"
      })
  void helpAnywhereListsTheOptionsOnStdout(String args) {
    ToolRun r = run(args.split(" "));
    assertThat(r.status()).isEqualTo(Cli.OK);
    assertThat(r.out())
        .startsWith("Usage: bin/load-test")
        .contains(
            "--near-duplicates",
            "--latency-sample",
            "--verify",
            "--events=N",
            "--duration=D",
            "--version");
    assertThat(r.err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--version",
        "-V",
        "--events 10 --version",
        "--rate fast --version",
        "--version --help"
      })
  void versionAnywhereIsTheProjectsVersionAndCommit(String args) {
    ToolRun r = run(args.split(" "));
    assertThat(r.status()).isEqualTo(Cli.OK);
    assertThat(r.out()).isEqualTo(ToolRun.versionLine("bin/load-test"));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aBadOptionIsOneLineOnStderrWithExitStatusTwo() {
    ToolRun r = run("--events", "10", "--rate", "fast");
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "load-test: Invalid value for option '--rate': 'fast' is not a double "
                + "(run bin/load-test --help for the options)"
                + NL);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aMistypedOptionSuggestsTheRightOne() {
    ToolRun r = run("--workerz", "2");
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "load-test: Unknown options: '--workerz', '2'; did you mean --workers? "
                + "(run bin/load-test --help for the options)"
                + NL);
  }

  @Test
  void aKafkaNobodyListensOnIsExitStatusTwoAtOnce() {
    int port = FreePorts.loopback();
    ToolRun r = run("--bootstrap-servers", "127.0.0.1:" + port, "--events", "10");
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "load-test: cannot reach Kafka at 127.0.0.1:"
                + port
                + " (--bootstrap-servers): "
                + "127.0.0.1:"
                + port
                + ": Connection refused"
                + NL);
    assertThat(r.out()).as("nothing was sent").isEmpty();
    // A refusal needs no waiting: no Kafka client retries it for its timeouts.
    assertThat(r.took()).isLessThan(Reachability.TIMEOUT);
  }

  @Test
  void aBrokerNameThatDoesNotResolveIsExitStatusTwo() {
    // .invalid is reserved never to resolve.
    ToolRun r = run("--bootstrap-servers", "no-such-broker.invalid:9092", "--events", "10");
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "load-test: cannot reach Kafka at no-such-broker.invalid:9092 "
                + "(--bootstrap-servers): cannot resolve no-such-broker.invalid"
                + NL);
    assertThat(r.took()).isLessThan(Reachability.TIMEOUT);
  }

  @Test
  void theScriptPrintsOneLineAndExitsTwoForAnUnreachableKafka() throws Exception {
    int port = FreePorts.loopback();
    Process p =
        new ProcessBuilder(
                "bin/load-test", "--bootstrap-servers", "127.0.0.1:" + port, "--events", "10")
            .start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bin/load-test ended").isTrue();
    assertThat(p.exitValue()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(text(p.getErrorStream().readAllBytes()))
        .as("stderr: the message, no log lines or stack trace")
        .isEqualTo(
            "load-test: cannot reach Kafka at 127.0.0.1:"
                + port
                + " (--bootstrap-servers): "
                + "127.0.0.1:"
                + port
                + ": Connection refused"
                + NL);
    assertThat(text(p.getInputStream().readAllBytes())).isEmpty();
  }

  @Test
  void theScriptAnswersVersionAfterOtherOptions() throws Exception {
    Process p = new ProcessBuilder("bin/load-test", "--events", "10", "--version").start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bin/load-test ended").isTrue();
    assertThat(p.exitValue()).isEqualTo(Cli.OK);
    assertThat(text(p.getInputStream().readAllBytes()))
        .isEqualTo(ToolRun.versionLine("bin/load-test"));
  }

  private static String text(byte[] bytes) throws IOException {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
