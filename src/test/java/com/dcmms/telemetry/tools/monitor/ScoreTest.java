package com.dcmms.telemetry.tools.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The original monitor's score: throughput 40, checkpoint 30, backpressure 30. */
class ScoreTest {
  @Test
  void healthyPipelineScoresFullMarksWithoutAdvice() {
    Score s = Score.of(12_000, 10_000, 800, 0.02);
    assertThat(s.total()).isEqualTo(100);
    assertThat(s.recommendations()).isEmpty();
  }

  @Test
  void throughputCountsInProportionToTheTarget() {
    assertThat(Score.of(5_000, 10_000, 800, 0).throughput()).isEqualTo(20);
    assertThat(Score.of(0, 10_000, 800, 0).throughput()).isZero();
  }

  @Test
  void slowCheckpointsLoseTheirShareLinearlyUpToOneMinute() {
    assertThat(Score.of(10_000, 10_000, 5_000, 0).checkpoint()).isEqualTo(30);
    assertThat(Score.of(10_000, 10_000, 32_500, 0).checkpoint()).isCloseTo(15, within(1e-9));
    assertThat(Score.of(10_000, 10_000, 90_000, 0).checkpoint()).isZero();
    assertThat(Score.of(10_000, 10_000, -1, 0).checkpoint()).isZero();
  }

  @Test
  void backpressureAboveTenPercentLosesItsShare() {
    assertThat(Score.of(10_000, 10_000, 800, 0.10).backpressure()).isEqualTo(30);
    assertThat(Score.of(10_000, 10_000, 800, 0.55).backpressure()).isCloseTo(15, within(1e-9));
    assertThat(Score.of(10_000, 10_000, 800, 1.0).backpressure()).isZero();
  }

  @Test
  void belowFiftyItSaysWhatToLookAt() {
    Score s = Score.of(1_000, 10_000, 70_000, 0.9);
    assertThat(s.total()).isLessThan(50);
    assertThat(s.recommendations()).hasSize(3);
    assertThat(s.recommendations().get(0)).contains("Throughput");
    assertThat(s.recommendations().get(2)).contains("Backpressure");
  }
}
