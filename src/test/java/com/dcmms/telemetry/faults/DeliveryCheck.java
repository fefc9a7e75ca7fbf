package com.dcmms.telemetry.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.faults.SentLedger.Entry;
import com.dcmms.telemetry.faults.SentLedger.Outcome;
import com.dcmms.telemetry.faults.SentLedger.Slice;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.dcmms.telemetry.job.rules.RejectReason;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The shared end-of-fault check: what a {@link SentLedger} says was sent against what the pipeline
 * delivered and what it counted.
 *
 * <p><b>Outputs</b>, always exact: QuestDB holds every distinct valid reading once and nothing
 * else; read-committed validated_telemetry holds each of them once and nothing else; the
 * dead-letter topic holds every rejected record once (named by its partition and offset) with its
 * reason.
 *
 * <p><b>Counters</b>, the identity {@code in = stored + duplicates dropped + dead letters}. Flink's
 * counters live with a task attempt: a restarted task counts from zero again, and then counts the
 * records after its restored checkpoint, which the earlier attempt may already have counted. So the
 * check reads counters per {@link Span}, a stretch of processing that has drained everything it
 * will ever read, and trusts them only as far as they can be trusted:
 *
 * <ul>
 *   <li>{@link Span#exact}: a stretch that began at the job's start or at a savepoint (or
 *       checkpoint) behind which nothing was left unprocessed, and that had no failure since. It
 *       counted each record it covers exactly once, so every term must equal the ledger's (records
 *       in, rows stored, exact and near duplicates, dead letters by reason) and the job must not
 *       have restarted. A service counts from zero in each process (nothing restores its counters),
 *       so a service is counted run by run: each run is drained and read just before it stops with
 *       a savepoint, and the runs together must cover the ledger, each record once.
 *   <li>{@link Span#sinceRestore}: the latest attempt after a failure mid-stream (a task killed,
 *       the service killed). Where its restored checkpoint stood, to the record, the test cannot
 *       know, so what it read is unknown; the identity must still hold over its own counters, and
 *       the outputs say that nothing was lost or stored twice.
 * </ul>
 */
public final class DeliveryCheck {
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(90);

  /** How long a count must stay put before it is taken as final. */
  private static final Duration SETTLED = Duration.ofSeconds(3);

  private final PipelineFixture fx;
  private final SentLedger ledger;

  public DeliveryCheck(PipelineFixture fx, SentLedger ledger) {
    this.fx = fx;
    this.ledger = ledger;
  }

  /** Counters of one stretch of processing, and what they may be held to. */
  public record Span(String label, Supplier<PipelineCounters> counters, Slice covers) {
    /** A stretch without failure that read exactly the records of {@code covers}. */
    public static Span exact(String label, Supplier<PipelineCounters> counters, Slice covers) {
      return new Span(label, counters, covers);
    }

    /** The latest attempt after a failure mid-stream: only the identity is owed. */
    public static Span sinceRestore(String label, Supplier<PipelineCounters> counters) {
      return new Span(label, counters, null);
    }

    void assertCounters(PipelineCounters c) {
      String what = label + ": " + c + (covers == null ? "" : " against " + covers);
      assertThat(c.in())
          .as("%s: in = stored + duplicates dropped + dead letters", what)
          .isEqualTo(c.stored() + c.duplicates() + c.deadLetters());
      assertThat(c.emitted()).as("%s: emitted = stored", what).isEqualTo(c.stored());
      if (covers == null) {
        return;
      }
      assertThat(c.restarts()).as("%s: restarts", what).isZero();
      assertThat(c.in()).as("%s: in", what).isEqualTo(covers.sent());
      assertThat(c.stored()).as("%s: stored", what).isEqualTo(covers.stored());
      assertThat(c.exactDuplicates())
          .as("%s: exact duplicates", what)
          .isEqualTo(covers.count(Outcome.EXACT_DUPLICATE));
      assertThat(c.nearDuplicates())
          .as("%s: near duplicates", what)
          .isEqualTo(covers.count(Outcome.NEAR_DUPLICATE));
      for (RejectReason r : RejectReason.values()) {
        assertThat(c.deadLetters(r))
            .as("%s: dead letters %s", what, r)
            .isEqualTo(covers.rejected(r));
      }
    }
  }

  /**
   * Waits until QuestDB, validated_telemetry and the dead-letter topic hold as many records as the
   * ledger says they must, and stay there.
   */
  public void awaitDrained() {
    Slice all = ledger.all();
    long[] expected = {all.stored(), all.stored(), all.rejected()};
    await("outputs of " + all)
        .atMost(DRAIN_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              long[] now = outputCounts();
              return now[0] >= expected[0] && now[1] >= expected[1] && now[2] >= expected[2];
            });
    // One look reads every committed record back: with hundreds of thousands of them it takes
    // seconds, and staying settled needs several looks.
    long lookStarted = System.nanoTime();
    try {
      outputCounts();
    } catch (RuntimeException e) {
      // Timed all the same: the looks below ignore such failures too.
    }
    Duration look = Duration.ofNanos(System.nanoTime() - lookStarted);
    await("outputs settled at " + all)
        .during(SETTLED)
        .atMost(SETTLED.multipliedBy(3).plus(look.multipliedBy(6)))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> Arrays.equals(outputCounts(), expected));
  }

  /** Rows in QuestDB, committed validated records, committed dead letters. */
  private long[] outputCounts() {
    return new long[] {
      fx.questDb().count("SELECT count() FROM " + fx.table),
      fx.readCommitted(fx.validatedTopic).size(),
      fx.readCommitted(fx.deadLetterTopic).size()
    };
  }

  /**
   * Waits until a span's counters pass and returns them: for a service run that is about to stop,
   * whose counters go with it.
   */
  public PipelineCounters awaitCounters(Span span) {
    AtomicReference<PipelineCounters> passed = new AtomicReference<>();
    await(span.label() + " counters")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              PipelineCounters c = span.counters().get();
              span.assertCounters(c);
              passed.set(c);
            });
    return passed.get();
  }

  /** The whole check: outputs exactly once against the ledger, then each span's counters. */
  public void assertExactlyOnce(Span... spans) {
    awaitDrained();
    Slice all = ledger.all();
    // Compared sorted: AssertJ's containsExactlyInAnyOrder is quadratic, too slow for the
    // hundreds of thousands of readings of the cluster test.
    List<String> stored = sorted(all.storedEventIds().stream());
    assertThat(
            sorted(
                fx.questDb().rows("SELECT event_id FROM " + fx.table).stream()
                    .map(row -> (String) row.get(0))))
        .as("QuestDB rows of %s", all)
        .containsExactlyElementsOf(stored);
    assertThat(
            sorted(
                fx.readCommittedJson(fx.validatedTopic).stream()
                    .map(r -> r.get("event_id").asText())))
        .as("read-committed validated_telemetry of %s", all)
        .containsExactlyElementsOf(stored);
    assertDeadLetters(all);
    if (Arrays.stream(spans).allMatch(s -> s.covers() != null)) {
      // Without a failure anywhere, the spans together counted each record sent exactly once.
      assertThat(
              sorted(
                  Arrays.stream(spans)
                      .flatMap(s -> s.covers().entries().stream())
                      .map(Entry::toString)))
          .as("records covered by the spans")
          .containsExactlyElementsOf(sorted(all.entries().stream().map(Entry::toString)));
    }
    StringBuilder report = new StringBuilder("DeliveryCheck " + fx.name + ": " + all);
    for (Span span : spans) {
      report.append("\n  ").append(span.label()).append(": ").append(awaitCounters(span));
    }
    System.out.println(report);
  }

  private static List<String> sorted(Stream<String> values) {
    return values.sorted().toList();
  }

  private void assertDeadLetters(Slice all) {
    Map<String, Entry> rejected = new HashMap<>();
    all.entries().stream()
        .filter(e -> e.outcome() == Outcome.REJECTED)
        .forEach(e -> rejected.put(e.at(), e));
    Set<String> seen = new HashSet<>();
    List<JsonNode> letters = fx.readCommittedJson(fx.deadLetterTopic);
    for (JsonNode d : letters) {
      String at = d.get("source_partition").asInt() + "@" + d.get("source_offset").asLong();
      Entry e = rejected.get(at);
      assertThat(e).as("dead letter %s names a rejected record sent", d).isNotNull();
      assertThat(seen.add(at)).as("%s dead-lettered once", at).isTrue();
      assertThat(d.get("source_topic").asText()).isEqualTo(fx.rawTopic);
      assertThat(d.get("error_code").asText()).as("reason of %s", at).isEqualTo(e.reason().name());
    }
    assertThat(seen).as("dead letters of %s", all).hasSize(rejected.size());
  }
}
