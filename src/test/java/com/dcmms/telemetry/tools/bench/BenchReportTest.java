package com.dcmms.telemetry.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's options, its table and its plot. */
class BenchReportTest {

  @Test
  void fullRunDefaultsAreTheIssuesFigures() {
    BenchOptions o = BenchOptions.parse("--servers-classpath", "cp");
    assertThat(o.events()).isEqualTo(5_000_000);
    assertThat(o.rate()).isEqualTo(10_000);
    assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.parallelism()).isEqualTo(8);
    assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.fastInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.fastPhase()).isTrue();
    assertThat(o.restart()).isTrue();
    assertThat(o.killAt()).isEqualTo(Duration.ofSeconds(40));
    assertThat(o.describe())
        .startsWith(
            "5,000,000 pre-loaded events (a backlog recorded at 10,000 events/s); 10,000 events/s for "
                + "120 s after 60 s of warm-up; service parallelism 8, checkpoints every 10 s, then again with the service "
                + "restarted at checkpoints every 1 s; restart: kill -9 at 40 s of 120 s at the fixed rate, EXACTLY_ONCE,");
  }

  @Test
  void theFastPhaseRunsOnlyAtAnotherInterval() {
    assertThat(
            BenchOptions.parse("--servers-classpath", "cp", "--fast-interval", "off").fastPhase())
        .isFalse();
    assertThat(BenchOptions.parse("--servers-classpath", "cp", "--fast-interval", "0").fastPhase())
        .isFalse();
    assertThat(
            BenchOptions.parse("--servers-classpath", "cp", "--checkpoint-interval", "1s")
                .fastPhase())
        .isFalse();
    BenchOptions halfSecond =
        BenchOptions.parse("--servers-classpath", "cp", "--fast-interval", "500ms");
    assertThat(halfSecond.fastInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(halfSecond.describe()).contains("restarted at checkpoints every 500 ms");
    assertThat(BenchOptions.parse("--servers-classpath", "cp", "--no-restart").describe())
        .doesNotContain("kill -9");
  }

  @Test
  void warmupIsShortInSmokeNoneInSoakAndRefusedWithSoak() {
    assertThat(BenchOptions.parse("--smoke", "--servers-classpath", "cp").warmup())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(BenchOptions.parse("--servers-classpath", "cp", "--warmup", "0s").warmup()).isZero();
    assertThat(BenchOptions.parse("--soak", "--servers-classpath", "cp").warmup()).isZero();
    assertThatThrownBy(
            () -> BenchOptions.parse("--soak", "--servers-classpath", "cp", "--warmup", "30s"))
        .hasMessageContaining("--warmup is not for --soak");
  }

  @Test
  void smokeShrinksEveryPhaseAndExplicitOptionsStillWin() {
    BenchOptions o = BenchOptions.parse("--smoke", "--servers-classpath", "cp", "--rate", "500");
    assertThat(o.events()).isEqualTo(20_000);
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o.parallelism()).isEqualTo(2);
    assertThat(o.rate()).isEqualTo(500);
    assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.fastInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.restart()).isTrue();
    assertThat(o.killAt()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void refusesUnknownOptionsMissingValuesAndNonsense() {
    assertThatThrownBy(() -> BenchOptions.parse("--servers-classpath", "cp", "--evnts", "1"))
        .hasMessage("Unknown options: '--evnts', '1'");
    assertThatThrownBy(() -> BenchOptions.parse("--servers-classpath", "cp", "--rate"))
        .hasMessage("Missing required parameter for option '--rate' (R)");
    assertThatThrownBy(() -> BenchOptions.parse("--rate", "5"))
        .hasMessage("Missing required option: '--servers-classpath=CP'");
    assertThatThrownBy(() -> BenchOptions.parse("--servers-classpath", "cp", "--parallelism", "0"))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(
            () -> BenchOptions.parse("--servers-classpath", "cp", "--duration", "2 weeks"))
        .hasMessageContaining("'2 weeks' is not a duration");
  }

  @Test
  void durationsHaveTheJobsSyntaxAndTheOptionsAsDocumented() {
    BenchOptions o =
        BenchOptions.parse(
            "--servers-classpath",
            "cp",
            "--duration",
            "30s",
            "--warmup",
            "10000",
            "--checkpoint-interval",
            "2min",
            "--drain-timeout",
            "1h",
            "--service-java-opts",
            "-Xmx512m -XX:+UseSerialGC",
            "--out",
            "target/x",
            "--events",
            "1000000",
            "--rate",
            "5000",
            "--parallelism",
            "2",
            "--sites",
            "2",
            "--assets",
            "3",
            "--sensors",
            "4",
            "--no-restart");
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.warmup())
        .as("a bare number is milliseconds, as for the job")
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(o.checkpointInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.drainTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(o.serviceJavaOpts()).isEqualTo("-Xmx512m -XX:+UseSerialGC");
    assertThat(o.out()).isEqualTo(java.nio.file.Path.of("target/x"));
    assertThat(List.of(o.events(), o.parallelism(), o.sites() * o.assets() * o.sensors()))
        .containsExactly(1_000_000L, 2, 24);
    assertThat(o.rate()).isEqualTo(5_000);
    assertThat(o.restart()).isFalse();
  }

  @Test
  void faultOptionsBelongToTheSoakAndTheRestartAndFastPhaseToTheBenchmark() {
    assertThatThrownBy(() -> BenchOptions.parse("--servers-classpath", "cp", "--faults"))
        .hasMessageContaining("--faults is for --soak only");
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    "--soak", "--servers-classpath", "cp", "--questdb-outage", "30s"))
        .hasMessageContaining("--questdb-outage is for --soak --faults only");
    assertThatThrownBy(
            () ->
                BenchOptions.parse("--soak", "--servers-classpath", "cp", "--fast-interval", "1s"))
        .hasMessageContaining("--fast-interval is not for --soak");
    assertThatThrownBy(
            () -> BenchOptions.parse("--soak", "--servers-classpath", "cp", "--no-restart"))
        .hasMessageContaining("--no-restart is not for --soak");
  }

  @Test
  void tableMarksMissedTargetsAndCountsThem() {
    BenchTable t = new BenchTable();
    t.info("baseline", "60,000");
    t.check("drain", "30,000", ">= 100,000", "0.50x", false);
    t.check("verify", "PASS", "PASS", "", true);
    t.info("CPU per event: service / servers (µs)", "21.0 / 9.5", "3.50x");

    assertThat(t.missed()).isEqualTo(1);
    assertThat(t.text())
        .containsPattern("drain +30,000 +>= 100,000 +0.50x +MISSED")
        .containsPattern("verify +PASS +PASS +met");
    assertThat(t.markdown())
        .contains("| drain | 30,000 | >= 100,000 | 0.50x | **missed** |")
        .contains("| baseline | 60,000 |  |  |  |")
        .contains("| CPU per event: service / servers (µs) | 21.0 / 9.5 |  | 3.50x |  |");
  }

  @Test
  void plotHasOnePointPerSampleAndALegendPerSeries() {
    String svg =
        LatencyPlot.svg(
            "latency <test>",
            List.of(
                new LatencyPlot.Series(
                    "QuestDB",
                    "#00f",
                    List.of(new double[] {1_000, 120}, new double[] {3_000, 80})),
                new LatencyPlot.Series("Kafka", "#f00", List.of(new double[] {2_000, 4_500}))));

    assertThat(svg)
        .startsWith("<svg")
        .endsWith("</svg>\n")
        .contains("latency &lt;test&gt;")
        .contains("QuestDB (2 samples)")
        .contains("Kafka (1 samples)");
    assertThat(svg.split("<circle", -1)).hasSize(4);
    assertThat(svg).contains(">5.0 s<"); // the axis goes to the next round value above 4.5 s
  }

  @Test
  void axisTopIsTheNextRoundValue() {
    assertThat(LatencyPlot.niceCeiling(4_500)).isEqualTo(5_000);
    assertThat(LatencyPlot.niceCeiling(130)).isEqualTo(200);
    assertThat(LatencyPlot.niceCeiling(1_000)).isEqualTo(1_000);
  }
}
