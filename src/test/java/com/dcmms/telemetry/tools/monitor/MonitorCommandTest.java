package com.dcmms.telemetry.tools.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.testkit.FreePorts;
import com.dcmms.telemetry.tools.cli.Cli;
import com.dcmms.telemetry.tools.cli.ToolRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The monitor's command line: one pipeline to watch, durations as the job reads them; help and
 * version anywhere; bad options and a pipeline that does not answer are one line on stderr with
 * exit status 2. It has no checks that fail, so no exit status 1 to test.
 */
class MonitorCommandTest {
  private static final String NL = System.lineSeparator();

  private static ToolRun run(String... args) {
    return ToolRun.of(
        (out, err, a) -> Cli.execute("monitor", new MonitorCommand(out), out, err, a), args);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      value = { // '#': the messages hold '|'
        "--interval 5s                             # Missing required argument (specify one of these): (--service=URL | --flink=URL)",
        "--service http://a --flink http://b       # --service=URL, --flink=URL are mutually exclusive (specify only one)",
        "--service http://a --interval soon        # Invalid value for option '--interval': 'soon' is not a duration; use e.g. 30s, 500ms, 10min (a bare number is milliseconds)",
        "--service http://a --interval 0           # --interval must be positive, got 0 ms",
        "--service http://a --count -1             # --count must be 0 (until stopped) or more, got -1",
        "--service http://a --target-rate 0        # --target-rate must be positive, got 0.0",
        "--service http://a --every 5s             # Unknown options: '--every', '5s'",
      })
  void refusesBadCommandLinesWithOneLineAndExitStatusTwo(String args, String message) {
    ToolRun r = run(args.trim().split("\\s+"));
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo("monitor: " + message + " (run bin/monitor --help for the options)" + NL);
    assertThat(r.out()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--service", "--flink"})
  void aPipelineNobodyListensOnIsExitStatusTwoAtOnce(String option) {
    // Nothing listens on a free port: the first sample is refused.
    String nobody = "http://127.0.0.1:" + FreePorts.loopback();
    ToolRun r = run(option, nobody, "--count", "1", "--interval", "10ms");
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    String what = option.equals("--service") ? "the service" : "the Flink cluster";
    String path = option.equals("--service") ? "/api/pipeline" : "/overview";
    assertThat(r.err())
        .isEqualTo(
            "monitor: cannot read "
                + what
                + " at "
                + nobody
                + " ("
                + option
                + "): GET "
                + nobody
                + path
                + ": connection refused"
                + NL);
    assertThat(r.out()).isEmpty();
    assertThat(r.took())
        .isLessThan(Duration.ofSeconds(3)); // Http's connect timeout; a refusal is at once
  }

  @Test
  void aServiceNameThatDoesNotResolveIsExitStatusTwo() {
    // .invalid is reserved never to resolve.
    ToolRun r =
        run(
            "--service",
            "http://no-such-service.invalid:8080",
            "--count",
            "1",
            "--interval",
            "10ms");
    assertThat(r.status()).isEqualTo(Cli.USAGE_ERROR);
    assertThat(r.err())
        .isEqualTo(
            "monitor: cannot read the service at http://no-such-service.invalid:8080 "
                + "(--service): GET http://no-such-service.invalid:8080/api/pipeline: cannot resolve the host"
                + NL);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "-h",
        "--service http://a --help",
        "--help --count -1",
        "--every 5s --help"
      })
  void helpAnywhereListsTheOptions(String args) {
    ToolRun r = run(args.split(" "));
    assertThat(r.status()).isEqualTo(Cli.OK);
    assertThat(r.out())
        .startsWith("Usage: bin/monitor")
        .contains(
            "--service=URL",
            "--flink=URL",
            "--interval=D",
            "--count=N",
            "--target-rate=R",
            "--version");
    assertThat(r.err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--version", "-V", "--service http://a --version", "--interval soon -V"})
  void versionAnywhereIsTheProjectsVersionAndCommit(String args) {
    ToolRun r = run(args.split(" "));
    assertThat(r.status()).isEqualTo(Cli.OK);
    assertThat(r.out()).isEqualTo(ToolRun.versionLine("bin/monitor"));
    assertThat(r.err()).isEmpty();
  }
}
