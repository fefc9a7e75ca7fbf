package com.dcmms.telemetry.tools.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * End-to-end latency of sampled readings: from the produce call to the row visible in QuestDB
 * and to the record visible (read_committed) in validated_telemetry; producer acks separately.
 */
public final class LatencyTracker {
  private final Map<String, Long> pendingQuestDb = new ConcurrentHashMap<>();
  private final Map<String, Long> pendingKafka = new ConcurrentHashMap<>();
  final Percentiles questDb = new Percentiles();
  final Percentiles kafka = new Percentiles();
  final Percentiles producerAck = new Percentiles();
  /** (produce time in epoch ms, latency in µs) of each seen sample, for a latency-over-time plot. */
  final List<long[]> questDbSeries = java.util.Collections.synchronizedList(new ArrayList<>());
  final List<long[]> kafkaSeries = java.util.Collections.synchronizedList(new ArrayList<>());
  private final long epochMillisAtNano0 = System.currentTimeMillis() - System.nanoTime() / 1_000_000;

  /** Called just before the produce call of a sampled reading. */
  void sent(String eventId, long sentNanos) {
    pendingQuestDb.put(eventId, sentNanos);
    pendingKafka.put(eventId, sentNanos);
  }

  void acked(long sentNanos, long nowNanos) {
    producerAck.add((nowNanos - sentNanos) / 1_000);
  }

  void seenInKafka(String eventId, long nowNanos) {
    Long sent = pendingKafka.remove(eventId);
    if (sent != null) {
      kafka.add((nowNanos - sent) / 1_000);
      kafkaSeries.add(new long[] {epochMillisAtNano0 + sent / 1_000_000, (nowNanos - sent) / 1_000});
    }
  }

  void seenInQuestDb(String eventId, long nowNanos) {
    Long sent = pendingQuestDb.remove(eventId);
    if (sent != null) {
      questDb.add((nowNanos - sent) / 1_000);
      questDbSeries.add(new long[] {epochMillisAtNano0 + sent / 1_000_000, (nowNanos - sent) / 1_000});
    }
  }

  /** A sampled reading not yet seen in QuestDB, with its produce time (epoch ms). */
  record Pending(String eventId, long sentAtMillis) {}

  /**
   * The oldest sampled readings not yet seen in QuestDB, at most {@code limit}, oldest first: a
   * reading left out of one round must not wait behind newer ones for ever.
   */
  List<Pending> pendingInQuestDb(int limit) {
    return pendingQuestDb.entrySet().stream()
        .sorted(Map.Entry.comparingByValue())
        .limit(limit)
        .map(e -> new Pending(e.getKey(), epochMillisAtNano0 + e.getValue() / 1_000_000))
        .toList();
  }

  /** Sampled readings not yet seen in QuestDB / validated_telemetry. */
  int pendingQuestDbCount() {
    return pendingQuestDb.size();
  }

  int pendingKafkaCount() {
    return pendingKafka.size();
  }

  /** Whether nothing sampled is still awaited. */
  boolean done() {
    return pendingQuestDb.isEmpty() && pendingKafka.isEmpty();
  }
}
