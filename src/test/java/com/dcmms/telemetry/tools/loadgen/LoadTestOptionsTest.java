package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.ParameterException;

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
    LoadTestOptions o =
        LoadTestOptions.parse(
            "--duration",
            "2m",
            "--rate=2500.5",
            "--workers",
            "4",
            "--verify",
            "--max-disorder",
            "500ms",
            "--run-id",
            "bench.1",
            "--questdb-url",
            "http://q:9000/",
            "--near-duplicates",
            "0");
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
    LoadTestOptions o =
        LoadTestOptions.parse("--events", "50000", "--rate", "0", "--event-rate", "10000");
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
  @CsvSource(
      delimiter = '|',
      value = {
        "--rate abc                  | Invalid value for option '--rate': 'abc' is not a double",
        "--rate -5                   | --rate must be a number >= 0 (0 = as fast as possible), got -5.0",
        "--events 0                  | --events must be positive, got 0",
        "--events 10 --duration 5s   | --events=N, --duration=D are mutually exclusive (specify only one)",
        "--duration soon             | Invalid value for option '--duration': 'soon' is not a duration; use e.g. 30s",
        "--duration 0                | --duration must be positive, got 0 ms",
        "--anomalies 1.5             | --anomalies is a share between 0 and 1, got 1.5",
        "--malformed 0.3 --duplicates 0.3 | at most 0.5 is supported",
        "--workers 0                 | --workers must be positive, got 0",
        "--workers 7 --sites 1 --assets 1 --sensors 5 | --workers 7 exceeds the number of sensors 5",
        "--speed 10                  | Unknown options: '--speed', '10'",
        "--rate                      | Missing required parameter for option '--rate' (R)",
        "rate 10                     | Unmatched arguments from index 0: 'rate', '10'",
        "--rate 1 --rate 2           | option '--rate' (R) should be specified only once",
        "--run-id a_b                | --run-id must be 1-40 letters, digits or dots",
        "--max-disorder 2m           | --max-disorder must be at most 60s (the job's dedup window), got 120000 ms",
        "--event-rate -1             | --event-rate must be a number >= 0 (0 = event time is send time), got -1.0",
        "--event-rate 10 --duration 5s | --event-rate needs --events",
        "--event-rate 10 --latency-sample 0.01 | --latency-sample needs event time = send time",
      })
  void rejectsBadInputWithAClearMessage(String args, String message) {
    assertThatThrownBy(() -> LoadTestOptions.parse(args.trim().split("\\s+")))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining(message);
  }

  @Test
  void durationsHaveTheJobsSyntaxWhereABareNumberIsMilliseconds() {
    assertThat(LoadTestOptions.parse("--duration", "60").duration())
        .isEqualTo(Duration.ofMillis(60));
    assertThat(LoadTestOptions.parse("--duration", "10min").duration())
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(LoadTestOptions.parse("--settle", "1500ms").settle())
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(LoadTestOptions.parse("--verify-timeout", "1h").verifyTimeout())
        .isEqualTo(Duration.ofHours(1));
  }
}
