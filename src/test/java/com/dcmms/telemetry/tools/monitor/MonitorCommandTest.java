package com.dcmms.telemetry.tools.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.testkit.FreePorts;
import com.dcmms.telemetry.tools.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The monitor's command line: one pipeline to watch, durations as the job reads them, picocli's errors. */
class MonitorCommandTest {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

  private int run(String... args) {
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    return Cli.execute("monitor", new MonitorCommand(out), out, out, args);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--interval 5s                             | Missing required argument (specify one of these): (--service=URL | --flink=URL)",
      "--service http://a --flink http://b       | --service=URL, --flink=URL are mutually exclusive (specify only one)",
      "--service http://a --interval soon        | Invalid value for option '--interval': 'soon' is not a duration",
      "--service http://a --interval 0           | --interval must be positive, got 0 ms",
      "--service http://a --count -1             | --count must be 0 (until stopped) or more, got -1",
      "--service http://a --target-rate 0        | --target-rate must be positive, got 0.0",
      "--service http://a --every 5s             | Unknown options: '--every', '5s'",
  })
  void refusesBadCommandLinesWithExitStatusTwo(String args, String message) {
    assertThat(run(args.trim().split("\\s+"))).isEqualTo(Cli.USAGE_ERROR);
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("monitor: ").contains(message)
        .contains("run bin/monitor --help for the options");
  }

  @Test
  void aPipelineThatDoesNotAnswerIsAFailureWithExitStatusOne() {
    // Nothing listens on a free port: the first sample fails at once.
    String nobody = "http://127.0.0.1:" + FreePorts.loopback();
    assertThat(run("--service", nobody, "--count", "1", "--interval", "10ms")).isEqualTo(Cli.FAILED);
    assertThat(buffer.toString(StandardCharsets.UTF_8)).startsWith("monitor: failed: ").doesNotContain("--help");
  }

  @Test
  void helpListsTheOptions() {
    assertThat(run("--help")).isEqualTo(Cli.OK);
    assertThat(buffer.toString(StandardCharsets.UTF_8)).startsWith("Usage: bin/monitor")
        .contains("--service=URL", "--flink=URL", "--interval=D", "--count=N", "--target-rate=R");
  }
}
