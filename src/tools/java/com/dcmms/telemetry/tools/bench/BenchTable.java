package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.tools.cli.Cli;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's one table: each figure with its target, its ratio to the baseline and a verdict.
 */
final class BenchTable {
  /**
   * One figure; {@code target} and {@code ratio} may be empty, {@code met} null when there is no
   * target.
   */
  record Row(String figure, String value, String target, String ratio, Boolean met) {
    String verdict() {
      return met == null ? "" : met ? "met" : "MISSED";
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private int failedVerifications;

  void info(String figure, String value) {
    info(figure, value, "");
  }

  /** A figure without a target, read as a ratio to the baseline. */
  void info(String figure, String value, String ratio) {
    rows.add(new Row(figure, value, "", ratio, null));
  }

  void check(String figure, String value, String target, String ratio, boolean met) {
    rows.add(new Row(figure, value, target, ratio, met));
  }

  /**
   * A verification of the data (exactly the expected readings, records and dead letters): unlike a
   * missed target, its failure fails the run.
   */
  void verify(String figure, boolean passed) {
    check(figure, passed ? "PASS" : "FAIL", "PASS", "", passed);
    failedVerifications += passed ? 0 : 1;
  }

  /**
   * {@link Cli#FAILED} when a verification failed, else {@link Cli#OK}: a missed target is a
   * figure, not a failure.
   */
  int exitStatus() {
    return failedVerifications > 0 ? Cli.FAILED : Cli.OK;
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  long missed() {
    return rows.stream().filter(r -> Boolean.FALSE.equals(r.met())).count();
  }

  String text() {
    int[] w = {6, 5, 6, 11};
    for (Row r : rows) {
      w[0] = Math.max(w[0], r.figure().length());
      w[1] = Math.max(w[1], r.value().length());
      w[2] = Math.max(w[2], r.target().length());
      w[3] = Math.max(w[3], r.ratio().length());
    }
    String f = "%-" + w[0] + "s  %" + w[1] + "s  %-" + w[2] + "s  %" + w[3] + "s  %s%n";
    StringBuilder sb =
        new StringBuilder(
            String.format(Locale.ROOT, f, "figure", "value", "target", "vs baseline", ""));
    for (Row r : rows) {
      sb.append(
          String.format(Locale.ROOT, f, r.figure(), r.value(), r.target(), r.ratio(), r.verdict()));
    }
    return sb.toString();
  }

  String markdown() {
    StringBuilder sb =
        new StringBuilder("| figure | value | target | vs baseline | |\n|---|---:|---|---:|---|\n");
    for (Row r : rows) {
      sb.append("| ")
          .append(r.figure())
          .append(" | ")
          .append(r.value())
          .append(" | ")
          .append(r.target())
          .append(" | ")
          .append(r.ratio())
          .append(" | ")
          .append(r.met() == null ? "" : r.met() ? "met" : "**missed**")
          .append(" |\n");
    }
    return sb.toString();
  }
}
