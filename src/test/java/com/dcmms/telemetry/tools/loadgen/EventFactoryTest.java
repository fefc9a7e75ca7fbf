package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.rules.Deduplicator;
import com.dcmms.telemetry.job.rules.EventValidator;
import com.dcmms.telemetry.job.rules.RejectedRecordException;
import com.dcmms.telemetry.job.rules.SensorHistory;
import com.dcmms.telemetry.job.rules.SensorTypes;
import com.dcmms.telemetry.tools.loadgen.GeneratedEvent.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The generated data has an exactly known outcome: checked against the job's own validation and
 * dedup rules, event by event.
 */
class EventFactoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long START = 1_800_000_000_000L;

  private final AtomicLong clock = new AtomicLong(START);
  private final EventValidator validator =
      new EventValidator(Duration.ofHours(24), Duration.ofHours(1), SensorTypes.defaultRanges());

  /** Events of one worker; the clock moves {@code stepMillis} per event. */
  private List<GeneratedEvent> generate(int count, long stepMillis, String... args) {
    List<String> all = new ArrayList<>(List.of("--seed", "42", "--workers", "2", "--run-id", "t1"));
    all.addAll(List.of(args));
    LoadTestOptions o = LoadTestOptions.parse(all.toArray(String[]::new));
    EventFactory factory = new EventFactory(o, 1, 42, clock::get);
    List<GeneratedEvent> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(factory.next());
      clock.addAndGet(stepMillis);
    }
    return out;
  }

  @Test
  void sharesFollowTheProfile() {
    List<GeneratedEvent> events =
        generate(
            100_000,
            1,
            "--anomalies",
            "0.05",
            "--duplicates",
            "0.04",
            "--near-duplicates",
            "0.03",
            "--malformed",
            "0.02",
            "--latency-sample",
            "0.01");
    Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
    events.forEach(e -> counts.merge(e.kind(), 1, Integer::sum));
    assertThat(counts.get(Kind.ANOMALY) / 1e5).isCloseTo(0.05, within(0.004));
    assertThat(counts.get(Kind.EXACT_DUPLICATE) / 1e5).isCloseTo(0.04, within(0.004));
    assertThat(counts.get(Kind.NEAR_DUPLICATE) / 1e5).isCloseTo(0.03, within(0.004));
    assertThat(counts.get(Kind.MALFORMED) / 1e5).isCloseTo(0.02, within(0.003));
    long sampled = events.stream().filter(GeneratedEvent::sampled).count();
    assertThat(sampled / 1e5).isCloseTo(0.01, within(0.002));
    assertThat(events).filteredOn(GeneratedEvent::sampled).allMatch(e -> e.kind().emitted());
  }

  @Test
  void eventIdsCarryRunWorkerAndSequenceAndKeysNameTheSensor() throws IOException {
    List<GeneratedEvent> events = generate(1_000, 1);
    Set<String> ids = new HashSet<>();
    for (GeneratedEvent e : events) {
      assertThat(e.eventId()).startsWith("t1-1-");
      if (e.kind() != Kind.EXACT_DUPLICATE) {
        assertThat(ids.add(e.eventId())).as("fresh id").isTrue();
      }
      if (e.kind() != Kind.MALFORMED) {
        JsonNode json = JSON.readTree(e.payload());
        assertThat(e.key())
            .isEqualTo(
                json.get("site_id").asText()
                    + ":"
                    + json.get("asset_id").asText()
                    + ":"
                    + json.get("sensor_id").asText());
        assertThat(json.get("site_id").asText()).endsWith(".t1");
      }
    }
  }

  @Test
  void timestampsAreUniquePerSensorEvenWhenMovedBack() throws IOException {
    // 150 sensors, 2 workers: 75 sensors per worker; 1 ms per event so timestamps crowd.
    List<GeneratedEvent> events =
        generate(50_000, 1, "--out-of-order", "0.2", "--max-disorder", "3s");
    Map<String, Set<Long>> seen = new HashMap<>();
    Map<String, Long> newest = new HashMap<>();
    int movedBack = 0;
    for (GeneratedEvent e : events) {
      if (e.kind() == Kind.EXACT_DUPLICATE || e.kind() == Kind.MALFORMED) {
        continue;
      }
      long ts = JSON.readTree(e.payload()).get("timestamp").asLong();
      assertThat(seen.computeIfAbsent(e.key(), k -> new HashSet<>()).add(ts))
          .as("timestamp %d of %s is unique", ts, e.key())
          .isTrue();
      Long max = newest.get(e.key());
      if (e.outOfOrder()) {
        movedBack++;
        assertThat(ts).isLessThan(max == null ? Long.MAX_VALUE : max + 3_000);
      }
      newest.merge(e.key(), ts, Math::max);
    }
    assertThat(movedBack).isGreaterThan(8_000);
  }

  @Test
  void readingsMoveAtLeastThreePercentAndNearDuplicatesStayWithinATenthOfAPercent()
      throws IOException {
    List<GeneratedEvent> events =
        generate(50_000, 1, "--anomalies", "0.05", "--near-duplicates", "0.1");
    Map<String, Double> lastSent = new HashMap<>();
    Map<String, Double> lastEmitted = new HashMap<>();
    int near = 0;
    for (GeneratedEvent e : events) {
      if (e.kind() == Kind.EXACT_DUPLICATE || e.kind() == Kind.MALFORMED) {
        continue;
      }
      double value = JSON.readTree(e.payload()).get("value").asDouble();
      Double previous = lastSent.get(e.key());
      if (e.kind() == Kind.NEAR_DUPLICATE) {
        near++;
        double reference = lastEmitted.get(e.key());
        assertThat(Math.abs(value - reference)).isLessThanOrEqualTo(0.001 * Math.abs(reference));
      } else {
        if (previous != null) {
          assertThat(Math.abs(value - previous))
              .as("step of %s", e.key())
              .isGreaterThanOrEqualTo(0.03 * Math.abs(previous));
        }
        lastEmitted.put(e.key(), value);
      }
      lastSent.put(e.key(), value);
    }
    assertThat(near).isGreaterThan(4_000);
  }

  @Test
  void malformedRecordsAreRejectedByTheJobsValidator() {
    List<GeneratedEvent> malformed =
        generate(20_000, 1, "--malformed", "0.1").stream()
            .filter(e -> e.kind() == Kind.MALFORMED)
            .toList();
    assertThat(malformed).hasSizeGreaterThan(1_500);
    for (GeneratedEvent e : malformed) {
      assertThatThrownBy(() -> validator.validate(e.payload(), clock.get()))
          .as(new String(e.payload()))
          .isInstanceOf(RejectedRecordException.class);
      assertThat(new String(e.payload())).contains("t1-");
    }
  }

  @Test
  void theJobsRulesDoExactlyWhatEachKindExpects() throws RejectedRecordException {
    // Slow enough (20 ms per event, 75 sensors) that each sensor reports every 1.5 s, with
    // every kind and disorder mixed in.
    List<GeneratedEvent> events =
        generate(
            30_000,
            20,
            "--anomalies",
            "0.05",
            "--duplicates",
            "0.05",
            "--near-duplicates",
            "0.05",
            "--malformed",
            "0.02",
            "--out-of-order",
            "0.1");
    Deduplicator dedup = new Deduplicator(Duration.ofSeconds(60), true, 0.01, 0.001);
    Map<String, SensorHistory> histories = new HashMap<>();
    Map<Kind, Integer> outcomes = new EnumMap<>(Kind.class);
    long now = START;
    for (GeneratedEvent e : events) {
      now += 20;
      if (e.kind() == Kind.MALFORMED) {
        assertThatThrownBy(() -> validator.validate(e.payload(), START + 600_000))
            .isInstanceOf(RejectedRecordException.class);
        continue;
      }
      TelemetryReading r = validator.validate(e.payload(), now);
      Deduplicator.Verdict verdict =
          dedup.judge(r, histories.computeIfAbsent(e.key(), k -> new SensorHistory()));
      Deduplicator.Verdict expected =
          switch (e.kind()) {
            case VALID, ANOMALY -> Deduplicator.Verdict.EMIT;
            case EXACT_DUPLICATE -> Deduplicator.Verdict.EXACT_DUPLICATE;
            default -> Deduplicator.Verdict.NEAR_DUPLICATE;
          };
      assertThat(verdict).as("%s %s", e.kind(), new String(e.payload())).isEqualTo(expected);
      if (verdict == Deduplicator.Verdict.EMIT) {
        assertThat(r.qualityFlag).isEqualTo(e.kind() == Kind.ANOMALY ? "OUT_OF_RANGE" : "GOOD");
      }
      outcomes.merge(e.kind(), 1, Integer::sum);
    }
    assertThat(outcomes)
        .containsKeys(Kind.VALID, Kind.ANOMALY, Kind.EXACT_DUPLICATE, Kind.NEAR_DUPLICATE);
  }
}
