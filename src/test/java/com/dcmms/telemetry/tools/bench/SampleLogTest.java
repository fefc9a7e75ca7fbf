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
    return new Sample(at, "RUNNING", at, at / 2, 250, 4096, backpressure, 7, 8, 0, 1, 0);
  }

  @Test
  void aRowPerTickAColumnPerTaskAndGapsWhereATaskOrTheServiceWasMissing() {
    List<BenchRig.Tick> ticks = List.of(
        new BenchRig.Tick(11_000, 300L << 20, sample(11_000, Map.of(SOURCE, 0.0125))),
        new BenchRig.Tick(13_500, 310L << 20, null),
        new BenchRig.Tick(16_000, 320L << 20, sample(16_000, Map.of(SOURCE, 0.0, DEDUP, 0.5))));

    assertThat(SampleLog.csv(10_000, ticks).split("\n")).containsExactly(
        "seconds,rss_mb,state,records_in,records_out,checkpoint_ms,checkpoint_bytes,consumer_lag,"
            + "\"backpressure Deduplicate -> QuestDB\",\"backpressure Source: raw_telemetry -> Parse, \"\"validate\"\"\"",
        "1.0,300,\"RUNNING\",11000,5500,250,4096,7,,0.0125",
        "3.5,310,UNREACHABLE,,,,,,,",
        "6.0,320,\"RUNNING\",16000,8000,250,4096,7,0.5000,0.0000");
  }

  @Test
  void thePeakNamesTheTaskAndItsTimeAndCountsTheSamplesAtTheThreshold() {
    List<Sample> samples = List.of(
        sample(1_000, Map.of(SOURCE, 0.012, DEDUP, 0.0)),
        sample(3_000, Map.of()),
        sample(5_000, Map.of(SOURCE, 0.009, DEDUP, 0.03)),
        sample(7_000, Map.of(SOURCE, 0.01, DEDUP, 0.0)),
        sample(9_000, Map.of(SOURCE, 0.0, DEDUP, 0.0)));

    assertThat(SampleLog.peak(samples, 0.01)).isEqualTo(new SampleLog.Peak(DEDUP, 0.03, 5_000, 3, 4));
  }

  @Test
  void noPeakWithoutAnyBackpressure() {
    assertThat(SampleLog.peak(List.of(sample(1_000, Map.of())), 0.01)).isNull();
    assertThat(SampleLog.peak(List.of(sample(1_000, Map.of(SOURCE, 0.0, DEDUP, 0.0))), 0.01)).isNull();
    assertThat(SampleLog.peak(List.of(), 0.01)).isNull();
  }

  @Test
  void backpressureCountsOnlySamplesWhoseMinuteStartsAfterTheDrain() {
    long drainEnded = 100_000;
    List<Sample> samples = List.of(
        sample(drainEnded + 2_000, Map.of(SOURCE, 0.014)),
        sample(drainEnded + 64_999, Map.of(SOURCE, 0.002)),
        sample(drainEnded + 65_000, Map.of(SOURCE, 0.0)),
        sample(drainEnded + 90_000, Map.of(SOURCE, 0.004)));

    assertThat(SampleLog.backpressureAfter(samples, drainEnded)).extracting(Sample::atMillis)
        .containsExactly(drainEnded + 65_000, drainEnded + 90_000);
  }
}
