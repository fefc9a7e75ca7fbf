package com.dcmms.telemetry.tools.monitor;

import java.util.ArrayList;
import java.util.List;

/**
 * The original monitor's score out of 100: throughput 40, checkpoint duration 30, backpressure 30;
 * below 50 it says what to look at.
 *
 * @param throughput 40 at or above the target rate, proportionally less below it
 * @param checkpoint 30 up to 5 s, falling linearly to 0 at 60 s (0 without any checkpoint)
 * @param backpressure 30 below 10 %, falling linearly to 0 at 100 %
 */
public record Score(double throughput, double checkpoint, double backpressure) {
  static final double CHECKPOINT_GOOD_MS = 5_000;
  static final double CHECKPOINT_BAD_MS = 60_000;
  static final double BACKPRESSURE_GOOD = 0.10;

  public static Score of(
      double inRate, double targetRate, long checkpointMs, double maxBackpressure) {
    double t = targetRate <= 0 ? 40 : 40 * Math.min(1, Math.max(0, inRate / targetRate));
    double c;
    if (checkpointMs < 0) {
      c = 0;
    } else if (checkpointMs <= CHECKPOINT_GOOD_MS) {
      c = 30;
    } else {
      c =
          30
              * Math.max(
                  0, (CHECKPOINT_BAD_MS - checkpointMs) / (CHECKPOINT_BAD_MS - CHECKPOINT_GOOD_MS));
    }
    double b =
        maxBackpressure <= BACKPRESSURE_GOOD
            ? 30
            : 30 * Math.max(0, (1 - maxBackpressure) / (1 - BACKPRESSURE_GOOD));
    return new Score(t, c, b);
  }

  public double total() {
    return throughput + checkpoint + backpressure;
  }

  /** What to look at, weakest part first; empty at 50 or above. */
  public List<String> recommendations() {
    List<String> advice = new ArrayList<>();
    if (total() >= 50) {
      return advice;
    }
    if (throughput < 20) {
      advice.add(
          "Throughput is below half the target: check consumer lag and backpressure, raise"
              + " FLINK_PARALLELISM (and raw_telemetry partitions), or lower the load.");
    }
    if (checkpoint < 15) {
      advice.add(
          "Checkpoints are slow or missing: look at the checkpoint size and storage speed,"
              + " backpressure (barriers wait behind it), and QuestDB flush times.");
    }
    if (backpressure < 15) {
      advice.add(
          "Backpressure is high: the slowest task is named in the table; for the QuestDB"
              + " sink check QuestDB's health and questdb.batch-rows, for dedup the RocksDB disk.");
    }
    return advice;
  }
}
