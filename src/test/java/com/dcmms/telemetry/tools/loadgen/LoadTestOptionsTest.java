package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The load test's options: defaults, formats, and a clear message for each kind of bad input. */
class LoadTestOptionsTest {

  @Test
  void defaultsFollowTheOriginalProfile() {
    LoadTestOptions o = LoadTestOptions.parse();
    assertThat(o.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(o.topic()).isEqualTo("raw_telemetry");
    assertThat(o.validatedTopic()).isEqualTo("validated_telemetry");
    assertThat(o.dlqTopic()).isEqualTo("telemetry_dlq");
    assertThat(o.questDbUrl()).isEqualTo("http://localhost:9000");
    assertThat(o.table()).isEqualTo("sensor_readings");
    assertThat(o.events()).isEqualTo(LoadTestOptions.DEFAULT_EVENTS);
    assertThat(o.duration()).isNull();
    assertThat(o.sensorCount()).isEqualTo(3 * 10 * 5);
    assertThat(o.anomalies()).isEqualTo(0.01);
    assertThat(o.malformed()).isEqualTo(0.005);
    assertThat(o.maxDisorder()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.verify()).isFalse();
    assertThat(o.runId()).matches("lt[0-9a-f]{8}");
  }

  @Test
  void readsEveryFormOfValue() {
    LoadTestOptions o = LoadTestOptions.parse("--duration", "2m", "--rate=2500.5", "--workers", "4",
        "--verify", "--max-disorder", "500ms", "--run-id", "bench.1", "--questdb-url", "http://q:9000/",
        "--near-duplicates", "0");
    assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.events()).isZero();
    assertThat(o.rate()).isEqualTo(2500.5);
    assertThat(o.workers()).isEqualTo(4);
    assertThat(o.verify()).isTrue();
    assertThat(o.maxDisorder()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.eventIdPrefix()).isEqualTo("bench.1-");
    assertThat(o.questDbUrl()).isEqualTo("http://q:9000");
    assertThat(o.nearDuplicates()).isZero();
  }

  @Test
  void anEventRateMakesABacklogWithoutLatencySamples() {
    LoadTestOptions o = LoadTestOptions.parse("--events", "50000", "--rate", "0", "--event-rate", "10000");
    assertThat(o.eventRate()).isEqualTo(10_000);
    assertThat(o.backlogMillis()).isEqualTo(5_000);
    assertThat(o.latencySample()).isZero();
    assertThat(LoadTestOptions.parse("--events", "10").backlogMillis()).isZero();
    LoadTestOptions sendTime = LoadTestOptions.parse("--events", "10", "--event-rate", "0");
    assertThat(sendTime.backlogMillis()).as("0 = event time is send time").isZero();
    assertThat(sendTime.latencySample()).isEqualTo(0.01);
  }

  @Test
  void runIdsDifferBetweenRuns() {
    assertThat(LoadTestOptions.parse().runId()).isNotEqualTo(LoadTestOptions.parse().runId());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--rate abc                  | bad value for --rate: 'abc' (not a number)",
      "--rate -5                   | --rate must be a number >= 0",
      "--events 0                  | --events must be positive",
      "--events 10 --duration 5s   | give either --events or --duration, not both",
      "--duration soon             | bad value for --duration: 'soon' ('soon' is not a duration",
      "--anomalies 1.5             | --anomalies is a share between 0 and 1, got 1.5",
      "--malformed 0.3 --duplicates 0.3 | at most 0.5 is supported",
      "--workers 0                 | --workers must be positive",
      "--workers 7 --sites 1 --assets 1 --sensors 5 | --workers 7 exceeds the number of sensors 5",
      "--speed 10                  | unknown option --speed",
      "--rate                      | option --rate needs a value",
      "rate 10                     | unexpected argument 'rate'",
      "--rate 1 --rate 2           | option --rate is given twice",
      "--run-id a_b                | --run-id must be 1-40 letters, digits or dots",
      "--max-disorder 2m           | --max-disorder must be at most 60s",
      "--event-rate -1             | --event-rate must be a number >= 0 (0 = event time is send time), got -1.0",
      "--event-rate 10 --duration 5s | --event-rate needs --events",
      "--event-rate 10 --latency-sample 0.01 | --latency-sample needs event time = send time",
  })
  void rejectsBadInputWithAClearMessage(String args, String message) {
    assertThatThrownBy(() -> LoadTestOptions.parse(args.trim().split("\\s+")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void commandLineReportsBadOptionsWithExitStatusTwo() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int status = LoadTest.run(new String[] {"--rate", "fast"}, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(LoadTest.USAGE_ERROR);
    assertThat(buffer.toString(StandardCharsets.UTF_8))
        .contains("load-test: bad value for --rate: 'fast'").contains("--help");
  }

  @Test
  void helpListsTheOptions() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    assertThat(LoadTest.run(new String[] {"--help"}, new PrintStream(buffer, true, StandardCharsets.UTF_8)))
        .isEqualTo(LoadTest.OK);
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("--near-duplicates", "--latency-sample", "--verify");
  }
}
