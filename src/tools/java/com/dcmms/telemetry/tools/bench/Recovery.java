package com.dcmms.telemetry.tools.bench;

import java.util.List;
import java.util.Locale;

/**
 * How the pipeline came back from one fault: when it resumed and caught up, and how far it lagged.
 */
record Recovery(
    Kind kind,
    long atMillis,
    long clearedAtMillis,
    long resumedAtMillis,
    long caughtUpAtMillis,
    long maxLag,
    long lagLimit) {

  /** The faults the benchmark injects. */
  enum Kind {
    SERVICE_KILLED("service killed (kill -9) and started again", "job RUNNING again"),
    QUESTDB_STOPPED("QuestDB stopped, then started again", "QuestDB writes flowing again");

    final String what;
    final String resumed;

    Kind(String what, String resumed) {
      this.what = what;
      this.resumed = resumed;
    }
  }

  /**
   * One look at the service after the fault: its job state (null when it did not answer), the
   * sink's rows written so far (-1 when not read), the source's pending records (-1 when unknown).
   */
  record Poll(long atMillis, String state, long recordsOut, long lag) {}

  /**
   * Reads the recovery from {@code polls} (in time order, all at or after {@code at}); the fault
   * ended at {@code clearedAt} (the service started again; QuestDB started again). It resumed at
   * the first look after that with the job RUNNING (a kill) or the sink's row count past its count
   * during the outage (QuestDB); it caught up at the first look from then on with the source's
   * pending records within {@code lagLimit}. Times are epoch ms, -1 for never.
   */
  static Recovery of(Kind kind, long at, long clearedAt, List<Poll> polls, long lagLimit) {
    // The sink's rows when QuestDB came back (or, with no look during the outage, at the first
    // look after it): more than that means writes flow again.
    long rowsBefore =
        polls.stream()
            .filter(p -> p.atMillis() < clearedAt)
            .mapToLong(Poll::recordsOut)
            .max()
            .orElse(polls.isEmpty() ? -1 : polls.get(0).recordsOut());
    long resumed = -1;
    long caughtUp = -1;
    long maxLag = -1;
    for (Poll p : polls) {
      maxLag = Math.max(maxLag, p.lag());
      if (p.atMillis() < clearedAt) {
        continue;
      }
      boolean back =
          kind == Kind.SERVICE_KILLED ? "RUNNING".equals(p.state()) : p.recordsOut() > rowsBefore;
      if (resumed < 0 && back) {
        resumed = p.atMillis();
      }
      if (resumed >= 0 && p.lag() >= 0 && p.lag() <= lagLimit) {
        caughtUp = p.atMillis();
        break;
      }
    }
    return new Recovery(kind, at, clearedAt, resumed, caughtUp, maxLag, lagLimit);
  }

  boolean recovered() {
    return caughtUpAtMillis >= 0;
  }

  /** Seconds from the fault's end to {@code millis}, or NaN for never. */
  double secondsAfterCleared(long millis) {
    return millis < 0 ? Double.NaN : (millis - clearedAtMillis) / 1000.0;
  }

  /** Until when the fault shows in the figures: caught up, or, never caught up, the end of time. */
  long untilMillis() {
    return recovered() ? caughtUpAtMillis : Long.MAX_VALUE;
  }

  /**
   * The faults as a Markdown table: when each began and was over (seconds into the run), how long
   * after that the pipeline resumed and caught up, and the most it lagged.
   */
  static String markdown(List<Recovery> faults, long runStartMillis) {
    StringBuilder sb =
        new StringBuilder(
            "| fault | at (s into the run) | over at (s) | resumed (s after it was over) "
                + "| caught up (s after it was over) | lag max (records) |\n|---|---:|---:|---|---:|---:|\n");
    for (Recovery f : faults) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.1f | %s: %s | %s | %s |\n",
              f.kind().what,
              (f.atMillis() - runStartMillis) / 1000.0,
              (f.clearedAtMillis() - runStartMillis) / 1000.0,
              f.kind().resumed,
              seconds(f.secondsAfterCleared(f.resumedAtMillis())),
              seconds(f.secondsAfterCleared(f.caughtUpAtMillis())),
              f.maxLag() < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", f.maxLag())));
    }
    long limit = faults.isEmpty() ? 0 : faults.get(0).lagLimit();
    return sb.append(
            String.format(
                Locale.ROOT,
                "\nCaught up: Flink's pendingRecords of the source at most %,d "
                    + "records (one second of input); it counts what the source has not read, not what waits in Flink's "
                    + "network buffers. Lag max: the most it read from the fault on.\n",
                limit))
        .toString();
  }

  static String seconds(double s) {
    return Double.isNaN(s) ? "never" : String.format(Locale.ROOT, "%.1f", s);
  }
}
