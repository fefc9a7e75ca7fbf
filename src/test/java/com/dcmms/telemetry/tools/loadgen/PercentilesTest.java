package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Exact nearest-rank percentiles of latency samples, as the soak report takes them. */
class PercentilesTest {

  @Test
  void nearestRankOfOneToHundred() {
    Percentiles p = new Percentiles();
    for (long v = 100; v >= 1; v--) {
      p.add(v); // out of order on purpose: the computation sorts
    }
    assertThat(p.at(50, 95, 99, 100)).containsExactly(50, 95, 99, 100);
    assertThat(p.at(0.5)).containsExactly(1);
  }

  @Test
  void smallSamplesRoundUpToTheNextRank() {
    Percentiles p = new Percentiles();
    p.add(30);
    p.add(10);
    p.add(20);
    // ranks: p50 -> ceil(1.5) = 2nd, p95/p99 -> 3rd
    assertThat(p.at(50, 95, 99, 100)).containsExactly(20, 30, 30, 30);
  }

  @Test
  void singleSampleIsEveryPercentile() {
    Percentiles p = new Percentiles();
    p.add(7);
    assertThat(p.at(1, 50, 100)).containsExactly(7, 7, 7);
  }

  @Test
  void growsBeyondItsFirstArray() {
    Percentiles p = new Percentiles();
    for (int i = 1; i <= 5_000; i++) {
      p.add(i);
    }
    assertThat(p.count()).isEqualTo(5_000);
    assertThat(p.at(99)).containsExactly(4_950);
  }

  @Test
  void emptyHasNoPercentiles() {
    assertThat(new Percentiles().at(50)).isEmpty();
  }

  @Test
  void rejectsPercentilesOutsideTheRange() {
    Percentiles p = new Percentiles();
    p.add(1);
    assertThatThrownBy(() -> p.at(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.at(101)).isInstanceOf(IllegalArgumentException.class);
  }
}
