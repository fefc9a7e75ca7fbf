package com.dcmms.telemetry.tools.monitor;

import java.util.List;
import java.util.Map;

/**
 * One look at a running pipeline. Counters are cumulative; rates come from two samples.
 *
 * @param state job state (RUNNING…), or UNREACHABLE
 * @param recordsIn records read from raw_telemetry so far
 * @param recordsOut readings stored in QuestDB so far
 * @param checkpointDurationMs duration of the latest completed checkpoint, -1 when none
 * @param checkpointSizeBytes state size of the latest completed checkpoint, -1 when none
 * @param backpressure busy-waiting share (0..1) per task, the highest subtask of each (Flink's
 *     average of the last 60 s)
 * @param backpressuredMs time each subtask ({@code task#index}) was back-pressured since it
 *     started, in ms; empty where the source does not tell it
 * @param consumerLag records in raw_telemetry not yet read, -1 when unknown
 * @param slotsTotal task slots of the cluster
 * @param slotsAvailable free task slots
 * @param taskManagers registered TaskManagers
 * @param recentCheckpoints completed checkpoints the pipeline still lists, newest first; empty when
 *     it lists none (only the service's {@code /api/checkpoints} does)
 */
public record Sample(
    long atMillis,
    String state,
    long recordsIn,
    long recordsOut,
    long checkpointDurationMs,
    long checkpointSizeBytes,
    Map<String, Double> backpressure,
    Map<String, Double> backpressuredMs,
    long consumerLag,
    int slotsTotal,
    int slotsAvailable,
    int taskManagers,
    long restarts,
    List<Checkpoint> recentCheckpoints) {

  /** One completed checkpoint: its id, duration and completion time (epoch ms). */
  public record Checkpoint(long id, long durationMs, long completedAt) {}

  public double maxBackpressure() {
    return backpressure.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  /** Events per second between an earlier sample and this one. */
  public double inRate(Sample earlier) {
    return rate(recordsIn - earlier.recordsIn, earlier);
  }

  public double outRate(Sample earlier) {
    return rate(recordsOut - earlier.recordsOut, earlier);
  }

  private double rate(long delta, Sample earlier) {
    long ms = atMillis - earlier.atMillis;
    return ms <= 0 || delta < 0 ? 0 : delta * 1000.0 / ms;
  }
}
