package com.dcmms.telemetry.job.inmemory;

import com.dcmms.telemetry.job.TelemetryJob;
import com.dcmms.telemetry.job.records.DeadLetter;
import com.dcmms.telemetry.job.records.TelemetryReading;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the job wrote to its outputs in one test run, collected in memory: the readings for QuestDB
 * and for validated_telemetry, the dead letters, and the watermark the QuestDB writers have seen.
 * The job's sinks find it by its key, as they run in the MiniCluster of this JVM. Records are kept
 * as they are written, not as a transaction commits them: exact for a job that never fails over,
 * which the real-server tests cover.
 */
public final class Collected implements AutoCloseable {
  private static final Map<String, Collected> RUNS = new ConcurrentHashMap<>();

  final String key = UUID.randomUUID().toString();
  final Queue<TelemetryReading> questDb = new ConcurrentLinkedQueue<>();
  final Queue<TelemetryReading> validated = new ConcurrentLinkedQueue<>();
  final Queue<DeadLetter> deadLetters = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Long> questDbWatermarks = new ConcurrentHashMap<>();
  private volatile int questDbWriters = Integer.MAX_VALUE;

  private Collected() {}

  /** A new, empty collection; {@link #close} forgets it. */
  public static Collected create() {
    Collected c = new Collected();
    RUNS.put(c.key, c);
    return c;
  }

  static Collected of(String key) {
    Collected c = RUNS.get(key);
    if (c == null) {
      throw new IllegalStateException("no collection " + key + ": closed, or another JVM");
    }
    return c;
  }

  /** The job's outputs, collecting here. */
  public TelemetryJob.Outputs outputs() {
    return new TelemetryJob.Outputs(
        new CollectingSink<>(key, CollectingSink.Output.QUESTDB),
        new CollectingSink<>(key, CollectingSink.Output.VALIDATED),
        new CollectingSink<>(key, CollectingSink.Output.DEAD_LETTERS));
  }

  public List<TelemetryReading> questDb() {
    return List.copyOf(questDb);
  }

  public List<TelemetryReading> validated() {
    return List.copyOf(validated);
  }

  public List<DeadLetter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  /** The event ids of the readings stored in QuestDB, in the order written. */
  public List<String> storedIds() {
    return questDb.stream().map(r -> r.eventId).toList();
  }

  public List<String> validatedIds() {
    return validated.stream().map(r -> r.eventId).toList();
  }

  /** The lowest watermark of the QuestDB writers, or Long.MIN_VALUE until each has seen one. */
  public long watermark() {
    if (questDbWatermarks.size() < questDbWriters) {
      return Long.MIN_VALUE;
    }
    return questDbWatermarks.values().stream()
        .mapToLong(Long::longValue)
        .min()
        .orElse(Long.MIN_VALUE);
  }

  void questDbWatermark(int subtask, int writers, long watermark) {
    questDbWriters = writers;
    questDbWatermarks.merge(subtask, watermark, Math::max);
  }

  @Override
  public void close() {
    RUNS.remove(key);
  }
}
