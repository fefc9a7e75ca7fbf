package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.loadgen.GeneratedEvent.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * After the run, waits (bounded) until the outputs stop changing and checks them against the exact
 * expectations: QuestDB rows, validated_telemetry records and dead letters of this run.
 */
public final class Verifier {
  /** Counts that match must stay so this long, so late extras (a replay) are still caught. */
  static final long CONFIRM_MILLIS = 3_000;

  /** The event-time span of one counting query. */
  static final long SLICE_MILLIS = 60_000;

  private final LoadTestOptions o;
  private final QuestDbClient questDb;
  private final OutputWatcher watcher;
  private final RunCounters counters;
  private final IdSet expected;
  private final long fromMillis;
  private final PrintStream out;

  /** What the outputs hold of this run at one moment; -1 for what could not be read. */
  record Snapshot(
      long rows,
      long distinctRows,
      long outOfRangeRows,
      long validated,
      long validatedDuplicates,
      long deadLetters,
      String questDbError) {}

  public Verifier(
      LoadTestOptions o,
      QuestDbClient questDb,
      OutputWatcher watcher,
      RunCounters counters,
      IdSet expected,
      long fromMillis,
      PrintStream out) {
    this.o = o;
    this.questDb = questDb;
    this.watcher = watcher;
    this.counters = counters;
    this.expected = expected;
    this.fromMillis = fromMillis;
    this.out = out;
  }

  Snapshot snapshot() {
    long rows = 0, distinct = 0, outOfRange = 0;
    String error = null;
    try {
      // One query over a soak's tens of millions of rows outlasts any sane timeout; slices of
      // event time stay small. Summing distinct counts per slice is exact because every row of
      // one event id carries that event's timestamp (a duplicate repeats the original).
      long now = System.currentTimeMillis();
      for (long from = fromMillis; from <= now; from += SLICE_MILLIS) {
        String until =
            from + SLICE_MILLIS > now
                ? ""
                : " AND timestamp < " + QuestDbClient.timestamp(from + SLICE_MILLIS);
        JsonNode row =
            questDb
                .query(
                    "SELECT count(), count_distinct(event_id), "
                        + "sum(CASE WHEN quality_flag = 'OUT_OF_RANGE' THEN 1 ELSE 0 END) FROM "
                        + o.table()
                        + " WHERE timestamp >= "
                        + QuestDbClient.timestamp(from)
                        + until
                        + " AND event_id LIKE "
                        + QuestDbClient.literal(o.eventIdPrefix() + "%"),
                    o.verifyTimeout())
                .get(0);
        rows += row.get(0).asLong();
        distinct += row.get(1).asLong();
        outOfRange += row.get(2).asLong(); // null (no rows) reads as 0
      }
    } catch (IOException | RuntimeException e) {
      rows = distinct = outOfRange = -1;
      error = e.getMessage();
    }
    return new Snapshot(
        rows,
        distinct,
        outOfRange,
        watcher.validated.size(),
        watcher.validatedDuplicates.get(),
        watcher.deadLetters.get(),
        error);
  }

  private boolean matches(Snapshot s) {
    long want = counters.expectedReadings();
    return s.rows() == want
        && s.distinctRows() == want
        && s.validated() == want
        && s.deadLetters() == counters.count(Kind.MALFORMED);
  }

  /**
   * Polls every second until the counts match and hold, stop changing for --settle, or time runs
   * out.
   */
  Snapshot awaitSettled() throws InterruptedException {
    long start = System.currentTimeMillis();
    long deadline = start + o.verifyTimeout().toMillis();
    Snapshot last = null;
    long lastChange = start;
    long matchedSince = 0;
    while (true) {
      Snapshot s = snapshot();
      long now = System.currentTimeMillis();
      if (matches(s)) {
        matchedSince = matchedSince == 0 ? now : matchedSince;
        if (now - matchedSince >= CONFIRM_MILLIS) {
          return s;
        }
      } else {
        matchedSince = 0;
      }
      if (!s.equals(last)) {
        last = s;
        lastChange = now;
      } else if (matchedSince == 0 && now - lastChange >= o.settle().toMillis()) {
        return s;
      }
      if (LoadTest.stopRequested) {
        out.println("verify: stopped before the outputs settled");
        return s;
      }
      if (now >= deadline) {
        out.println("verify: outputs still changing after --verify-timeout " + o.verifyTimeout());
        return s;
      }
      Thread.sleep(1_000);
    }
  }

  /** Prints PASS/FAIL per check; true when all pass. */
  boolean check(Snapshot s) {
    long want = counters.expectedReadings();
    long anomalies = counters.count(Kind.ANOMALY);
    boolean ok = true;
    out.println();
    out.println("Verification (run " + o.runId() + ")");
    ok &=
        line(
            "producer: every send acknowledged",
            counters.failures() == 0,
            counters.failures()
                + " failed"
                + (counters.firstFailure == null ? "" : ", first: " + counters.firstFailure));
    if (s.questDbError() != null) {
      ok &= line("QuestDB: readable", false, s.questDbError());
    }
    ok &= line("QuestDB: count() = expected readings", s.rows() == want, s.rows() + " / " + want);
    ok &=
        line(
            "QuestDB: count_distinct(event_id) = expected readings",
            s.distinctRows() == want,
            s.distinctRows() + " / " + want);
    ok &=
        line(
            "QuestDB: OUT_OF_RANGE rows = anomalies",
            s.outOfRangeRows() == anomalies,
            s.outOfRangeRows() + " / " + anomalies);
    long missing = expected.missingFrom(watcher.validated);
    long unexpected = watcher.validated.missingFrom(expected);
    ok &=
        line(
            "validated_telemetry: every expected reading, nothing else",
            missing == 0 && unexpected == 0 && s.validated() == want,
            String.format(
                Locale.ROOT,
                "%d / %d, %d missing, %d unexpected",
                s.validated(),
                want,
                missing,
                unexpected));
    ok &=
        line(
            "validated_telemetry: each reading once",
            s.validatedDuplicates() == 0,
            s.validatedDuplicates() + " repeated");
    ok &=
        line(
            "validated_telemetry: OUT_OF_RANGE exactly on the anomalies",
            watcher.wrongFlags.get() == 0,
            watcher.wrongFlags.get() + " wrong flags");
    ok &=
        line(
            "telemetry_dlq: dead letters = malformed records",
            s.deadLetters() == counters.count(Kind.MALFORMED),
            s.deadLetters() + " / " + counters.count(Kind.MALFORMED));
    if (watcher.failure() != null) {
      ok &= line("output topics: readable", false, watcher.failure());
    }
    out.println(ok ? "RESULT: PASS" : "RESULT: FAIL");
    return ok;
  }

  private boolean line(String check, boolean pass, String detail) {
    out.printf(Locale.ROOT, "  %s  %-58s %s%n", pass ? "PASS" : "FAIL", check, detail);
    return pass;
  }
}
