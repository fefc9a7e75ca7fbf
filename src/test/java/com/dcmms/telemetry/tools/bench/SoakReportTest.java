package com.dcmms.telemetry.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.dcmms.telemetry.tools.monitor.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The soak's options, its first-versus-last comparison, its report and its plot. */
class SoakReportTest {
  private static final long START = 1_764_000_000_000L;
  private static final long MB = 1 << 20;

  @Test
  void soakDefaultsAreTheIssuesFigures() {
    BenchOptions o = BenchOptions.parse("--soak", "--servers-classpath", "cp");
    assertThat(o.soak()).isTrue();
    assertThat(o.duration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(o.window()).isEqualTo(Duration.ofMinutes(5));
    assertThat(o.rate()).isEqualTo(10_000);
    assertThat(o.parallelism()).isEqualTo(8);
    assertThat(o.out()).isEqualTo(Path.of("target/soak"));
    assertThat(o.describe())
        .startsWith("soak: 10,000 events/s for 1800 s, the first and last 300 s compared");
  }

  @Test
  void refusesOverlappingWindowsAWindowWithoutSoakAndSmokeWithSoak() {
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    "--soak", "--servers-classpath", "cp", "--duration", "2m", "--window", "61s"))
        .hasMessageContaining("at most half of --duration");
    assertThatThrownBy(() -> BenchOptions.parse("--servers-classpath", "cp", "--window", "30s"))
        .hasMessageContaining("--window is for --soak only");
    assertThatThrownBy(() -> BenchOptions.parse("--soak", "--smoke", "--servers-classpath", "cp"))
        .hasMessageContaining("exclude each other");
  }

  @Test
  void comparesTheFirstAndLastWindowAndLeavesTheMiddleOut() {
    SoakReport report =
        SoakReport.compare(
            "t", recorded(), START, Duration.ofSeconds(60), Duration.ofSeconds(10), 2_000);

    SoakReport.Row rss = row(report, "service RSS, max");
    assertThat(rss.first()).isEqualTo(100 * MB);
    assertThat(rss.last()).isEqualTo(110 * MB); // the middle's 500 MB counts in neither window
    assertThat(rss.flat()).isTrue();
    SoakReport.Row checkpoint = row(report, "checkpoint duration, max");
    assertThat(checkpoint.first()).isEqualTo(100);
    assertThat(checkpoint.last()).isEqualTo(400);
    assertThat(checkpoint.limit()).isEqualTo(320); // 100 x 1.2 + 200 ms
    assertThat(checkpoint.flat()).isFalse();
    assertThat(row(report, "checkpoint duration, avg").first())
        .isEqualTo(100); // -1 (none yet) left out
    assertThat(row(report, "QuestDB-visible latency P50").first()).isEqualTo(50);
    assertThat(row(report, "QuestDB-visible latency P99").last()).isEqualTo(90);
    assertThat(row(report, "consumer lag, max (records)").slack())
        .isEqualTo(2_000); // one second of input
    assertThat(row(report, "read-committed latency P99").verdict()).isEqualTo("no data");
    assertThat(report.growing())
        .isEqualTo(4); // checkpoint avg and max, and the unmeasured read-committed rows
  }

  @Test
  void soakWithFaultsChecksEverySecondAndPlansAKillAndAnOutage() {
    BenchOptions o = BenchOptions.parse("--soak", "--faults", "--servers-classpath", "cp");
    assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.killAt()).isEqualTo(Duration.ofMinutes(10));
    assertThat(o.outageAt()).isEqualTo(Duration.ofMinutes(20));
    assertThat(o.questDbOutage()).isEqualTo(Duration.ofSeconds(60));
    assertThat(o.describe())
        .startsWith(
            "soak: 10,000 events/s for 1800 s, the first and last 300 s compared, the "
                + "service killed (kill -9) at 600 s and QuestDB stopped for 60 s at 1200 s; service parallelism 8, "
                + "checkpoints every 1 s,");
    assertThat(BenchOptions.parse("--soak", "--servers-classpath", "cp").checkpointInterval())
        .isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(
            () ->
                BenchOptions.parse(
                    "--soak",
                    "--faults",
                    "--servers-classpath",
                    "cp",
                    "--duration",
                    "3m",
                    "--window",
                    "30s",
                    "--questdb-outage",
                    "61s"))
        .hasMessageContaining("at most a third of --duration");
  }

  @Test
  void aKilledServiceResumesWhenItsJobRunsAndCatchesUpWhenItsLagIsWithinOneSecondOfInput() {
    long kill = START + 600_000;
    List<Recovery.Poll> polls =
        List.of(
            new Recovery.Poll(kill + 100, null, -1, -1), // not up yet
            new Recovery.Poll(kill + 5_000, "CREATED", -1, -1),
            new Recovery.Poll(kill + 8_200, "RUNNING", -1, -1),
            new Recovery.Poll(kill + 8_700, "RUNNING", 10, -1), // no fetch yet: lag unknown
            new Recovery.Poll(kill + 9_200, "RUNNING", 900, 95_000),
            new Recovery.Poll(kill + 12_000, "RUNNING", 40_000, 30_000),
            new Recovery.Poll(kill + 15_100, "RUNNING", 90_000, 1_500),
            new Recovery.Poll(
                kill + 15_600, "RUNNING", 95_000, 200_000)); // after it caught up: not counted

    Recovery r = Recovery.of(Recovery.Kind.SERVICE_KILLED, kill, kill, polls, 2_000);

    assertThat(r.resumedAtMillis()).isEqualTo(kill + 8_200);
    assertThat(r.caughtUpAtMillis()).isEqualTo(kill + 15_100);
    assertThat(r.secondsAfterCleared(r.caughtUpAtMillis())).isEqualTo(15.1);
    assertThat(r.maxLag()).isEqualTo(95_000);
    assertThat(r.untilMillis()).isEqualTo(kill + 15_100);
  }

  @Test
  void questDbResumesWhenTheSinksRowsMoveAgainAfterItsRestart() {
    long stop = START + 1_200_000;
    long back = stop + 60_000;
    List<Recovery.Poll> polls =
        List.of(
            new Recovery.Poll(stop + 500, "RUNNING", 5_000_000, 3_000),
            new Recovery.Poll(
                stop + 30_000, "RUNNING", 5_000_100, 290_000), // the last flush before the stop
            new Recovery.Poll(back - 500, "RUNNING", 5_000_100, 590_000),
            new Recovery.Poll(back + 500, "RUNNING", 5_000_100, 600_000),
            new Recovery.Poll(back + 1_000, "RUNNING", 5_050_000, 600_000),
            new Recovery.Poll(back + 20_000, "RUNNING", 5_600_000, 2_500), // still over 2,000
            new Recovery.Poll(back + 21_000, "RUNNING", 5_610_000, 1_800));

    Recovery r = Recovery.of(Recovery.Kind.QUESTDB_STOPPED, stop, back, polls, 2_000);

    assertThat(r.resumedAtMillis()).isEqualTo(back + 1_000);
    assertThat(r.caughtUpAtMillis()).isEqualTo(back + 21_000);
    assertThat(r.maxLag()).isEqualTo(600_000);
    assertThat(
            Recovery.of(Recovery.Kind.QUESTDB_STOPPED, stop, back, polls.subList(0, 5), 2_000)
                .recovered())
        .isFalse();
    assertThat(
            Recovery.of(Recovery.Kind.QUESTDB_STOPPED, stop, back, polls.subList(0, 5), 2_000)
                .untilMillis())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void faultsAreLeftOutOfTheWindowsUntilThePipelineCaughtUpAndListedWithTheirRecovery() {
    // A kill 50.5 s into the 60 s run, caught up 5 s later: the last window [50 s, 60 s) keeps the
    // samples at 50, 56 and 58 s, and the latencies of readings not in flight from 50.5 s to 55.5
    // s.
    long kill = START + 50_500;
    Recovery killed =
        new Recovery(
            Recovery.Kind.SERVICE_KILLED, kill, kill, kill + 3_000, kill + 5_000, 40_000, 2_000);
    SoakReport.Recorded r = recorded();
    List<double[]> questDb = new ArrayList<>(r.questDb());
    questDb.add(new double[] {START + 58_000, 5}); // after the recovery: counted
    SoakReport report =
        SoakReport.compare(
            "t",
            new SoakReport.Recorded(r.ticks(), questDb, List.of()),
            START,
            Duration.ofSeconds(60),
            Duration.ofSeconds(10),
            2_000,
            List.of(killed));

    // Of the last window's readings (produced at 50.1..51.0 s, 10..90 ms), those seen before
    // 50.5 s are left: 10, 20, 30 and 40 ms, and the 5 ms one after the recovery.
    assertThat(row(report, "QuestDB-visible latency P99").last()).isEqualTo(40);
    assertThat(row(report, "QuestDB-visible latency P99").first()).isEqualTo(100);
    assertThat(row(report, "checkpoint duration, max").last()).isEqualTo(400);
    String md = report.markdown(List.of(), "soak.svg");
    assertThat(md)
        .contains(
            "Each fault is left out of both windows from its start until the pipeline caught up")
        .contains(
            "| fault | at (s into the run) | over at (s) | resumed (s after it was over) "
                + "| caught up (s after it was over) | lag max (records) |")
        .contains(
            "| service killed (kill -9) and started again | 50.5 | 50.5 | job RUNNING again: 3.0 | 5.0 | 40,000 |")
        .contains("Caught up: Flink's pendingRecords of the source at most 2,000 records")
        .contains(
            "- samples: first window 5 of the service, 10 + 0 latencies; last window 3, 5 + 0; "
                + "left out as within a fault: 2 of the service, 6 latencies");
  }

  @Test
  void changeIsRelativeExceptFromZero() {
    assertThat(new SoakReport.Row("a", SoakReport.Unit.MS, 200, 250, 100).change())
        .isEqualTo("+25 %");
    assertThat(new SoakReport.Row("b", SoakReport.Unit.SHARE, 0, 0.015, 0.02).change())
        .isEqualTo("+1.5 %");
    assertThat(new SoakReport.Row("b", SoakReport.Unit.SHARE, 0, 0.015, 0.02).verdict())
        .isEqualTo("flat");
    assertThat(new SoakReport.Row("c", SoakReport.Unit.RECORDS, Double.NaN, 5, 1).change())
        .isEqualTo("n/a");
  }

  @Test
  void markdownStatesTheRuleAndPutsTheWindowsSideBySide() {
    SoakReport report =
        SoakReport.compare(
            "soak: test", recorded(), START, Duration.ofSeconds(60), Duration.ofSeconds(10), 2_000);
    String md =
        report.markdown(
            List.of("verify (exact readings, records and dead letters): PASS"), "soak.svg");

    assertThat(md)
        .startsWith("# Soak\n\nsoak: test\n")
        .contains("last ≤ first × 1.2 + slack")
        .contains("2,000 records")
        .contains("| figure | first 10 s | last 10 s | change | flat if last ≤ | |")
        .contains("| service RSS, max | 100.0 MB | 110.0 MB | +10 % | 152.0 MB | flat |")
        .contains("| checkpoint duration, max | 100 ms | 400 ms | +300 % | 320 ms | **GROWING** |")
        .contains(
            "- samples: first window 5 of the service, 10 + 0 latencies; last window 5, 10 + 0\n")
        .contains("- verify (exact readings, records and dead letters): PASS")
        .endsWith("![RSS, checkpoint size and latency over the soak](soak.svg)\n");
    assertThat(md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| figure"))).hasSize(11);
  }

  @Test
  void latencyIsPlottedAsTheP99OfEachBucket() {
    List<double[]> points = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      points.add(new double[] {START + i * 10, i});
      points.add(new double[] {START + 20_000 + i, 1_000 + i});
    }
    List<double[]> p99 = SoakReport.p99ByBucket(points, Duration.ofSeconds(10));

    assertThat(p99).hasSize(2);
    assertThat(p99.get(0)[1]).isCloseTo(99, within(0.001));
    assertThat(p99.get(1)[0] - p99.get(0)[0]).isEqualTo(20_000);
    assertThat(p99.get(1)[1]).isCloseTo(1_099, within(0.001));
  }

  @Test
  void stackedPlotHasAHeadingPerPanelAndOnePointPerValue() {
    String svg =
        LatencyPlot.stacked(
            "soak",
            "time",
            200,
            List.of(
                new LatencyPlot.Panel(
                    "service RSS",
                    LatencyPlot.MEGABYTES,
                    List.of(
                        new LatencyPlot.Series(
                            "RSS",
                            "#0f0",
                            List.of(new double[] {START, 300}, new double[] {START + 9, 310})))),
                new LatencyPlot.Panel(
                    "latency",
                    LatencyPlot.MILLIS,
                    List.of(
                        new LatencyPlot.Series(
                            "QuestDB", "#00f", List.of(new double[] {START + 5, 80}))))));

    assertThat(svg)
        .contains(">service RSS<")
        .contains(">latency<")
        .contains(">500 MB<")
        .contains(">0 MB<")
        .contains(">100 ms<")
        .contains("height=\"530\""); // 40 + 2 x 200 + 40 between + 50
    assertThat(svg.split("<circle", -1)).hasSize(4);
  }

  /**
   * A 60 s run sampled every 2 s: RSS 100 MB in the first 10 s, 500 MB in the middle, 110 MB in the
   * last 10 s; the latest checkpoint none yet, then 100 ms, and 400 ms at the end; QuestDB latency
   * 10..100 ms in the first window and 10..90 ms in the last; no read-committed samples.
   */
  private static SoakReport.Recorded recorded() {
    List<BenchRig.Tick> ticks = new ArrayList<>();
    for (long t = 0; t < 60_000; t += 2_000) {
      long rss = t < 10_000 ? 100 * MB : t >= 50_000 ? 110 * MB : 500 * MB;
      long checkpoint = t == 0 ? -1 : t >= 50_000 ? 400 : 100;
      ticks.add(new BenchRig.Tick(START + t, rss, sample(START + t, checkpoint)));
    }
    ticks.add(
        new BenchRig.Tick(
            START + 61_000, 900 * MB, null)); // verification, after the load: left out
    List<double[]> questDb = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      questDb.add(new double[] {START + i * 100, i * 10});
      questDb.add(new double[] {START + 50_000 + i * 100, Math.min(90, i * 10)});
    }
    return new SoakReport.Recorded(ticks, questDb, List.of());
  }

  private static Sample sample(long at, long checkpointMs) {
    return new Sample(
        at,
        "RUNNING",
        0,
        0,
        checkpointMs,
        checkpointMs < 0 ? -1 : 64 * 1024,
        Map.of("dedup", 0.0),
        Map.of(),
        10,
        2,
        0,
        1,
        0,
        List.of());
  }

  private static SoakReport.Row row(SoakReport report, String figure) {
    return report.rows().stream().filter(r -> r.figure().equals(figure)).findFirst().orElseThrow();
  }
}
