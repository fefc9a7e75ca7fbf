package com.dcmms.telemetry.job.rules;

import static com.dcmms.telemetry.job.rules.Deduplicator.Verdict.EMIT;
import static com.dcmms.telemetry.job.rules.Deduplicator.Verdict.EXACT_DUPLICATE;
import static com.dcmms.telemetry.job.rules.Deduplicator.Verdict.NEAR_DUPLICATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.rules.Deduplicator.Verdict;
import com.dcmms.telemetry.testkit.Events;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Dedup rules of one sensor (docs/contract.md, "Deduplication"): window 60 s, deadband 1 %. */
class DeduplicatorTest {
  private static final long T = 1_700_000_000_000L;
  private static final long WINDOW = 60_000;
  private static final double ABSOLUTE_TOLERANCE = 0.001;

  private final Deduplicator dedup =
      new Deduplicator(Duration.ofMillis(WINDOW), true, 0.01, ABSOLUTE_TOLERANCE);
  private final SensorHistory history = new SensorHistory();
  private int nextId;

  // --- Exact duplicates -----------------------------------------------------------------------

  @Test
  void emitsFirstReadingOfSensor() {
    assertThat(judge(T, 20.0)).isEqualTo(EMIT);
  }

  @Test
  void dropsRepeatedEventIdWithinWindow() {
    assertThat(judge("e-1", T, 20.0, "GOOD")).isEqualTo(EMIT);

    assertThat(judge("e-1", T, 20.0, "GOOD")).isEqualTo(EXACT_DUPLICATE);
    assertThat(judge("e-1", T + 5_000, 80.0, "BAD"))
        .as("same id, other time, value and flag")
        .isEqualTo(EXACT_DUPLICATE);
    assertThat(judge("e-1", T + WINDOW - 1, 80.0, "GOOD")).isEqualTo(EXACT_DUPLICATE);
  }

  @Test
  void dropsSameTimestampWithinWindowWhateverTheEventId() {
    assertThat(judge("e-1", T, 20.0, "GOOD")).isEqualTo(EMIT);

    assertThat(judge("e-2", T, 95.0, "SENSOR_FAULT")).isEqualTo(EXACT_DUPLICATE);
  }

  @Test
  void dropsExactDuplicatesEvenWithDeadbandDisabled() {
    Deduplicator noDeadband = new Deduplicator(Duration.ofMillis(WINDOW), false, 0.01, 0.001);
    SensorHistory h = new SensorHistory();

    assertThat(noDeadband.judge(reading("e-1", T, 20.0, "GOOD"), h)).isEqualTo(EMIT);
    assertThat(noDeadband.judge(reading("e-1", T + 1_000, 21.0, "GOOD"), h))
        .isEqualTo(EXACT_DUPLICATE);
    assertThat(noDeadband.judge(reading("e-2", T, 22.0, "GOOD"), h)).isEqualTo(EXACT_DUPLICATE);
  }

  @Test
  void emitsRepeatedEventIdAfterWindow() {
    assertThat(judge("e-1", T, 20.0, "GOOD")).isEqualTo(EMIT);

    assertThat(judge("e-1", T + WINDOW, 20.0, "GOOD")).isEqualTo(EMIT);
  }

  @Test
  void emitsRepeatedEventIdAfterWindowWhenOtherReadingsCameBetween() {
    assertThat(judge("e-1", T, 20.0, "GOOD")).isEqualTo(EMIT);
    assertThat(judge("e-2", T + 30_000, 40.0, "GOOD")).isEqualTo(EMIT);
    assertThat(judge("e-3", T + 70_000, 60.0, "GOOD")).isEqualTo(EMIT);

    assertThat(judge("e-1", T + 70_001, 80.0, "GOOD")).isEqualTo(EMIT);
  }

  @Test
  void dropsLateExactDuplicateArrivingOutOfOrder() {
    assertThat(judge("e-1", T, 20.0, "GOOD")).isEqualTo(EMIT);
    assertThat(judge("e-2", T + 2_000, 30.0, "GOOD")).isEqualTo(EMIT);
    assertThat(judge("e-3", T + 4_000, 40.0, "GOOD")).isEqualTo(EMIT);

    assertThat(judge("e-2", T + 2_000, 30.0, "GOOD")).isEqualTo(EXACT_DUPLICATE);
    assertThat(judge("e-9", T + 2_000, 50.0, "GOOD")).isEqualTo(EXACT_DUPLICATE);
  }

  @Test
  void emitsLateReadingOlderThanWindowOfNewest() {
    assertThat(judge("e-1", T + 120_000, 20.0, "GOOD")).isEqualTo(EMIT);

    assertThat(judge("e-0", T, 50.0, "GOOD")).isEqualTo(EMIT);
    assertThat(history.seenCount).as("too old to be remembered").isEqualTo(1);
  }

  // --- Near duplicates (deadband) -------------------------------------------------------------

  @Test
  void dropsReadingWithinOnePercentOfLastEmitted() {
    assertThat(judge(T, 100.0)).isEqualTo(EMIT);

    assertThat(judge(T + 1_000, 100.5)).isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + 2_000, 101.0)).as("exactly 1 %").isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + 3_000, 99.0)).as("exactly -1 %").isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + 4_000, 100.0)).isEqualTo(NEAR_DUPLICATE);
  }

  @Test
  void emitsReadingJustAboveOnePercent() {
    assertThat(judge(T, 100.0)).isEqualTo(EMIT);

    assertThat(judge(T + 1_000, 101.01)).isEqualTo(EMIT);
  }

  @Test
  void emitsReadingJustBelowMinusOnePercent() {
    assertThat(judge(T, 100.0)).isEqualTo(EMIT);

    assertThat(judge(T + 1_000, 98.99)).isEqualTo(EMIT);
  }

  @Test
  void comparesWithLastEmittedValueNotLastSeen() {
    // A slow drift of 0.3 % steps: each step is near the previous reading, but the drift is
    // emitted once it is more than 1 % away from the last emitted value.
    double[] values = {100.0, 100.3, 100.6, 100.9, 101.2, 101.5, 101.8, 102.1, 102.4};
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      verdicts.add(judge(T + i * 1_000L, values[i]));
    }

    assertThat(verdicts)
        .containsExactly(
            EMIT,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            EMIT,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            EMIT);
    assertThat(history.lastValue).isEqualTo(102.4);
    assertThat(history.lastTimestamp).isEqualTo(T + 8_000);
  }

  @Test
  void emitsSteadyValueOncePerWindow() {
    List<Verdict> verdicts = new ArrayList<>();
    for (long t = T; t <= T + 130_000; t += 10_000) {
      verdicts.add(judge(t, 50.0));
    }

    assertThat(verdicts)
        .containsExactly(
            EMIT,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            EMIT,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            NEAR_DUPLICATE,
            EMIT,
            NEAR_DUPLICATE);
  }

  @Test
  void emitsSteadyValueExactlyOneWindowAfterLastEmitted() {
    assertThat(judge(T, 50.0)).isEqualTo(EMIT);

    assertThat(judge(T + WINDOW - 1, 50.0)).isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + WINDOW, 50.0)).isEqualTo(EMIT);
  }

  @Test
  void emitsSameValueWithDifferentQualityFlag() {
    assertThat(judge(nextId(), T, 50.0, "GOOD")).isEqualTo(EMIT);

    assertThat(judge(nextId(), T + 1_000, 50.0, "UNCERTAIN")).isEqualTo(EMIT);
    assertThat(judge(nextId(), T + 2_000, 50.0, "UNCERTAIN")).isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(nextId(), T + 3_000, 50.0, "GOOD")).isEqualTo(EMIT);
  }

  @Test
  void usesAbsoluteToleranceWhenLastValueIsZero() {
    assertThat(judge(T, 0.0)).isEqualTo(EMIT);

    assertThat(judge(T + 1_000, ABSOLUTE_TOLERANCE)).isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + 2_000, -ABSOLUTE_TOLERANCE)).isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + 3_000, 0.0011)).isEqualTo(EMIT);
  }

  @Test
  void usesRelativeToleranceForSmallNonZeroLastValue() {
    assertThat(judge(T, 0.01)).isEqualTo(EMIT);

    assertThat(judge(T + 1_000, 0.01005)).isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + 2_000, 0.0102))
        .as("within the absolute tolerance, above 1 %")
        .isEqualTo(EMIT);
  }

  @Test
  void emitsEveryDistinctReadingWhenDeadbandDisabled() {
    Deduplicator noDeadband = new Deduplicator(Duration.ofMillis(WINDOW), false, 0.01, 0.001);
    SensorHistory h = new SensorHistory();

    assertThat(noDeadband.judge(reading("e-1", T, 50.0, "GOOD"), h)).isEqualTo(EMIT);
    assertThat(noDeadband.judge(reading("e-2", T + 1_000, 50.0, "GOOD"), h)).isEqualTo(EMIT);
    assertThat(noDeadband.judge(reading("e-3", T + 2_000, 50.2, "GOOD"), h)).isEqualTo(EMIT);
  }

  @Test
  void appliesDeadbandToNegativeValues() {
    assertThat(judge(T, -100.0)).isEqualTo(EMIT);

    assertThat(judge(T + 1_000, -101.0)).isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + 2_000, -99.0)).isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T + 3_000, -101.5)).isEqualTo(EMIT);
    assertThat(judge(T + 4_000, -100.6))
        .as("0.9 from -101.5, within 1 % of it")
        .isEqualTo(NEAR_DUPLICATE);
  }

  @Test
  void emitsSignChangeAroundZero() {
    assertThat(judge(T, 0.5)).isEqualTo(EMIT);

    assertThat(judge(T + 1_000, -0.5)).isEqualTo(EMIT);
  }

  @Test
  void judgesOutOfOrderReadingAgainstLastEmittedWithinWindow() {
    assertThat(judge(T + 30_000, 10.0)).isEqualTo(EMIT);

    assertThat(judge(T, 10.05)).as("30 s earlier, within the window").isEqualTo(NEAR_DUPLICATE);
    assertThat(judge(T - 30_000, 10.05)).as("a full window earlier").isEqualTo(EMIT);
  }

  // --- State ----------------------------------------------------------------------------------

  @Test
  void keepsSeenReadingsBoundedByWindow() {
    for (int i = 0; i < 10_000; i++) {
      judge(T + i * 1_000L, i % 2 == 0 ? 10.0 : 20.0);
    }

    long newest = T + 9_999_000L;
    assertThat(history.seenCount).isLessThanOrEqualTo((int) (WINDOW / 1_000) + 1);
    assertThat(history.seenTimestamps.length).isLessThanOrEqualTo(128);
    for (int i = 0; i < history.seenCount; i++) {
      assertThat(history.seenTimestamps[i]).isGreaterThan(newest - WINDOW);
    }
    assertThat(history.newestTimestamp).isEqualTo(newest);
  }

  @Test
  void keepsStateBoundedForDuplicatesToo() {
    for (int i = 0; i < 10_000; i++) {
      judge(T + i * 1_000L, 50.0);
    }

    assertThat(history.seenCount).isLessThanOrEqualTo((int) (WINDOW / 1_000) + 1);
  }

  @Test
  void expiresOneWindowAfterNewestReading() {
    judge(T + 10_000, 10.0);
    judge(T, 30.0);
    judge(T + 5_000, 50.0);

    assertThat(dedup.expiresAt(history)).isEqualTo(T + 10_000 + WINDOW);
  }

  @Test
  void exposesItsWindow() {
    assertThat(dedup.windowMillis()).isEqualTo(WINDOW);
  }

  @Test
  void refusesNonPositiveWindow() {
    assertThatThrownBy(() -> new Deduplicator(Duration.ZERO, true, 0.01, 0.001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
    assertThatThrownBy(() -> new Deduplicator(Duration.ofSeconds(-1), true, 0.01, 0.001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }

  @Test
  void refusesNegativeTolerances() {
    assertThatThrownBy(() -> new Deduplicator(Duration.ofSeconds(60), true, -0.01, 0.001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tolerances");
    assertThatThrownBy(() -> new Deduplicator(Duration.ofSeconds(60), true, 0.01, -0.001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tolerances");
  }

  @Test
  void emitsDistinctEventIdsWhoseJavaHashCodesCollide() {
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());

    assertThat(judge("dev-Aa", T, 20.0, "GOOD")).isEqualTo(EMIT);
    assertThat(judge("dev-BB", T + 1_000, 30.0, "GOOD")).isEqualTo(EMIT);
  }

  @Test
  void hashesManySimilarEventIdsWithoutCollision() {
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    Set<Long> hashes = new HashSet<>();
    int ids = 0;
    for (char a : chars.toCharArray()) {
      for (char b : chars.toCharArray()) {
        for (char c : chars.toCharArray()) {
          hashes.add(Deduplicator.hash64("evt-" + a + b + c));
          ids++;
        }
      }
    }
    for (int i = 0; i < 200_000; i++) {
      hashes.add(Deduplicator.hash64(Integer.toString(i)));
      ids++;
    }

    assertThat(hashes).hasSize(ids);
    assertThat(Deduplicator.hash64("evt-1")).isEqualTo(Deduplicator.hash64("evt-1"));
  }

  // --- Helpers --------------------------------------------------------------------------------

  private Verdict judge(long timestamp, double value) {
    return judge(nextId(), timestamp, value, "GOOD");
  }

  private Verdict judge(String eventId, long timestamp, double value, String qualityFlag) {
    return dedup.judge(reading(eventId, timestamp, value, qualityFlag), history);
  }

  private String nextId() {
    return "evt-" + nextId++;
  }

  private static TelemetryReading reading(
      String eventId, long timestamp, double value, String qualityFlag) {
    return Events.reading().id(eventId).at(timestamp).value(value).quality(qualityFlag).build();
  }
}
