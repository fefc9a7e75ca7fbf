package com.dcmms.telemetry.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.tools.monitor.Sample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fixed-rate phase's samples as CSV, and where the backpressure peaked. */
class SampleLogTest {
  private static final String SOURCE = "Source: raw_telemetry -> Parse, \"validate\"";
  private static final String DEDUP = "Deduplicate -> QuestDB";

  private static Sample sample(long at, Map<String, Double> backpressure) {
    return new Sample(
        at, "RUNNING", at, at / 2, 250, 4096, backpressure, Map.of(), 7, 8, 0, 1, 0, List.of());
  }

  @Test
  void aRowPerTickAColumnPerTaskAndGapsWhereATaskOrTheServiceWasMissing() {
    List<BenchRig.Tick> ticks =
        List.of(
            new BenchRig.Tick(11_000, 300L << 20, sample(11_000, Map.of(SOURCE, 0.0125))),
            new BenchRig.Tick(13_500, 310L << 20, null),
            new BenchRig.Tick(16_000, 320L << 20, sample(16_000, Map.of(SOURCE, 0.0, DEDUP, 0.5))));

    assertThat(SampleLog.csv(10_000, ticks).split("\n"))
        .containsExactly(
            "seconds,rss_mb,state,records_in,records_out,checkpoint_ms,checkpoint_bytes,consumer_lag,"
                + "\"backpressure Deduplicate -> QuestDB\",\"backpressure Source: raw_telemetry -> Parse, \"\"validate\"\"\"",
            "1.0,300,\"RUNNING\",11000,5500,250,4096,7,,0.0125",
            "3.5,310,UNREACHABLE,,,,,,,",
            "6.0,320,\"RUNNING\",16000,8000,250,4096,7,0.5000,0.0000");
  }

  @Test
  void thePeakNamesTheTaskAndItsTimeAndCountsTheSamplesAtTheThreshold() {
    List<Sample> samples =
        List.of(
            sample(1_000, Map.of(SOURCE, 0.012, DEDUP, 0.0)),
            sample(3_000, Map.of()),
            sample(5_000, Map.of(SOURCE, 0.009, DEDUP, 0.03)),
            sample(7_000, Map.of(SOURCE, 0.01, DEDUP, 0.0)),
            sample(9_000, Map.of(SOURCE, 0.0, DEDUP, 0.0)));

    assertThat(SampleLog.peak(samples, 0.01))
        .isEqualTo(new SampleLog.Peak(DEDUP, 0.03, 5_000, 3, 4));
  }

  @Test
  void everyCheckpointOfThePhaseCountsOnceByIdAcrossSamples() {
    // Each look lists the recent checkpoints, newest first; consecutive looks overlap, and
    // checkpoint 5 failed (never listed). 1 completed before the phase, 9 after it.
    List<Sample> samples =
        List.of(
            checkpoints(2_000, cp(2, 300, 1_500), cp(1, 900, 900)),
            checkpoints(4_000, cp(4, 120, 3_500), cp(3, 100, 2_500), cp(2, 300, 1_500)),
            checkpoints(6_000, cp(7, 450, 5_900), cp(6, 110, 5_000), cp(4, 120, 3_500)),
            checkpoints(8_000, cp(9, 2_000, 10_500), cp(8, 130, 7_000), cp(7, 450, 5_900)));

    assertThat(SampleLog.checkpoints(samples, 1_000, 10_000))
        .isEqualTo(new SampleLog.Checkpoints(6, 2, 8, 450, 450));
    assertThat(SampleLog.checkpoints(samples, 20_000, 30_000)).isNull();
  }

  @Test
  void theP99OfAHundredCheckpointsIsTheSecondHighest() {
    Sample.Checkpoint[] hundred = new Sample.Checkpoint[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = cp(i + 1, i == 99 ? 5_000 : 10 * (i + 1), 100 + i);
    }
    assertThat(SampleLog.checkpoints(List.of(checkpoints(1_000, hundred)), 0, 1_000))
        .isEqualTo(new SampleLog.Checkpoints(100, 1, 100, 990, 5_000));
  }

  private static Sample.Checkpoint cp(long id, long durationMs, long completedAt) {
    return new Sample.Checkpoint(id, durationMs, completedAt);
  }

  private static Sample checkpoints(long at, Sample.Checkpoint... recent) {
    return new Sample(
        at,
        "RUNNING",
        0,
        0,
        recent[0].durationMs(),
        4096,
        Map.of(),
        Map.of(),
        0,
        2,
        0,
        1,
        0,
        List.of(recent));
  }

  @Test
  void noPeakWithoutAnyBackpressure() {
    assertThat(SampleLog.peak(List.of(sample(1_000, Map.of())), 0.01)).isNull();
    assertThat(SampleLog.peak(List.of(sample(1_000, Map.of(SOURCE, 0.0, DEDUP, 0.0))), 0.01))
        .isNull();
    assertThat(SampleLog.peak(List.of(), 0.01)).isNull();
  }

  @Test
  void backpressureCountsOnlySamplesWhoseMinuteStartsAfterTheDrain() {
    long drainEnded = 100_000;
    List<Sample> samples =
        List.of(
            sample(drainEnded + 2_000, Map.of(SOURCE, 0.014)),
            sample(drainEnded + 64_999, Map.of(SOURCE, 0.002)),
            sample(drainEnded + 65_000, Map.of(SOURCE, 0.0)),
            sample(drainEnded + 90_000, Map.of(SOURCE, 0.004)));

    assertThat(SampleLog.backpressureAfter(samples, drainEnded))
        .extracting(Sample::atMillis)
        .containsExactly(drainEnded + 65_000, drainEnded + 90_000);
  }

  private static Sample accumulated(long at, Map<String, Double> backpressuredMs) {
    return new Sample(
        at, "RUNNING", 0, 0, 250, 4096, Map.of(), backpressuredMs, 0, 2, 0, 1, 0, List.of());
  }

  @Test
  void backpressureOverAStretchCountsOnlyTheTimeWithinIt() {
    List<Sample> samples =
        List.of(
            // Before the stretch: the drain's backpressure, which Flink's 60 s average still shows.
            accumulated(0, Map.of("dedup#0", 0.0, "dedup#1", 0.0)),
            accumulated(10_000, Map.of("dedup#0", 9_000.0, "dedup#1", 5_000.0)),
            accumulated(20_000, Map.of("dedup#0", 9_000.0, "dedup#1", 5_050.0)),
            accumulated(30_000, Map.of("dedup#0", 9_100.0, "dedup#1", 5_050.0)),
            accumulated(40_000, Map.of("dedup#0", 9_100.0, "dedup#1", 5_050.0)),
            // A subtask that was not there at the stretch's start counts from zero.
            accumulated(50_000, Map.of("dedup#0", 9_100.0, "dedup#1", 5_060.0, "dedup#2", 100.0)));

    SampleLog.Backpressured b = SampleLog.backpressured(samples, 10_000, 50_000);

    assertThat(b.subtask()).isEqualTo("dedup#0");
    assertThat(b.share()).isEqualTo(100.0 / 40_000);
    assertThat(b.worstWindowShare()).isEqualTo(100.0 / 10_000);
    assertThat(b.windowStartMillis()).isEqualTo(20_000);
  }

  @Test
  void noBackpressureFigureFromFewerThanTwoSamplesThatTellIt() {
    assertThat(
            SampleLog.backpressured(
                List.of(
                    accumulated(10_000, Map.of("dedup#0", 1.0)),
                    sample(20_000, Map.of("dedup", 0.5))),
                0,
                30_000))
        .isNull();
  }
}
