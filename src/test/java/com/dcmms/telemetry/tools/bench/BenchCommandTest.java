package com.dcmms.telemetry.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.tools.cli.Cli;
import com.dcmms.telemetry.tools.cli.ToolRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bench/run} behaves like a tool: help and version anywhere; bad options and a missing
 * service JAR are one line with exit status 2 before any server starts (it starts its own servers,
 * so none can be unreachable); only a failed verification fails the run (1), a missed target does
 * not.
 */
class BenchCommandTest {
  private static final String NL = System.lineSeparator();

  private static ToolRun run(String... args) {
    return ToolRun.of((out, err, a) -> Cli.execute("bench", new BenchCommand(), out, err, a), args);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"--help", "-h", "--smoke --help", "--help --soak --smoke", "--speed 3 -h"})
  void helpAnywhereListsTheOptions(String args) {
    ToolRun r = run(args.split(" "));
    assertThat(r.status()).isEqualTo(Cli.OK);
    assertThat(r.out())
        .startsWith("Usage: bench/run [--smoke | --soak [--faults]] [options]" + NL)
        .contains("--smoke", "--soak", "--faults", "--version")
        .doesNotContain("--servers-classpath");
    assertThat(r.err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V", "--smoke --version", "--soak --smoke -V"})
  void versionAnywhereIsTheProjectsVersionAndCommit(String args) {
    ToolRun r = run(args.split(" "));
    assertThat(r.status()).isEqualTo(Cli.OK);
    assertThat(r.out()).isEqualTo(ToolRun.versionLine("bench/run"));
    assertThat(r.err()).isEmpty();
  }

  @Test
  void badOptionsAreOneLineWithExitStatusTwo() {
    ToolRun r = run("--servers-classpath", "cp", "--smoke", "--soak");
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "bench: --smoke and --soak exclude each other; shorten a soak with --duration "
                + "and --window (run bench/run --help for the options)"
                + NL);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void aMissingServiceJarIsExitStatusTwoBeforeAnythingStarts(@TempDir Path dir) {
    Path jar = dir.resolve("quarkus-run.jar");
    ToolRun r =
        run(
            "--servers-classpath",
            "cp",
            "--smoke",
            "--out",
            dir.resolve("out").toString(),
            "--service-jar",
            jar.toString());
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "bench: no service JAR at "
                + jar
                + "; build it with ./mvnw package -DskipTests "
                + "(run bench/run --help for the options)"
                + NL);
    assertThat(dir.resolve("out")).as("nothing started").doesNotExist();
  }

  @Test
  void onlyAFailedVerificationFailsTheRun() {
    BenchTable table = new BenchTable();
    table.check("fixed rate (events/s, 120 s)", "9,000", ">= 10,000", "", false);
    table.verify("verify: exact readings, records and dead letters", true);
    assertThat(table.missed()).isEqualTo(1);
    assertThat(table.exitStatus()).as("a missed target is a figure").isEqualTo(Cli.OK);
    table.verify("restart: verify: exact readings, records and dead letters", false);
    assertThat(table.exitStatus()).isEqualTo(Cli.FAILED);
    assertThat(table.text())
        .containsPattern(
            "restart: verify: exact readings, records and dead letters +FAIL +PASS +MISSED");
  }
}
