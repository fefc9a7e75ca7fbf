package com.dcmms.telemetry.tools.loadgen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * End-to-end latency of sampled readings: from their scheduled send time to the row visible in
 * QuestDB and to the record visible (read_committed) in validated_telemetry; producer acks
 * separately, from the produce call.
 *
 * <p>From the schedule, not the produce call: a generator held back, by the system it measures (a
 * send blocked on a full buffer) or by its own threads, would otherwise start each clock late and
 * leave that wait out of the latency (coordinated omission). Without a schedule (--rate 0) the
 * producer passes the send time as the scheduled time.
 */
public final class LatencyTracker {
  /**
   * A sampled reading's times: latency counts from the schedule, its event time is near the send.
   */
  private record Sent(long scheduledNanos, long sentNanos) {}

  private final Map<String, Sent> pendingQuestDb = new ConcurrentHashMap<>();
  private final Map<String, Sent> pendingKafka = new ConcurrentHashMap<>();
  final LatencyHistogram questDb = new LatencyHistogram();
  final LatencyHistogram kafka = new LatencyHistogram();
  final LatencyHistogram producerAck = new LatencyHistogram();

  /**
   * (scheduled time in epoch ms, latency in µs) of each seen sample, for a latency-over-time plot.
   */
  final List<long[]> questDbSeries = Collections.synchronizedList(new ArrayList<>());

  final List<long[]> kafkaSeries = Collections.synchronizedList(new ArrayList<>());
  private final long epochMillisAtNano0 =
      System.currentTimeMillis() - System.nanoTime() / 1_000_000;

  /** Called just before the produce call of a sampled reading. */
  void sent(String eventId, long scheduledNanos, long sentNanos) {
    Sent s = new Sent(scheduledNanos, sentNanos);
    pendingQuestDb.put(eventId, s);
    pendingKafka.put(eventId, s);
  }

  void acked(long sentNanos, long nowNanos) {
    producerAck.record((nowNanos - sentNanos) / 1_000);
  }

  void seenInKafka(String eventId, long nowNanos) {
    seen(pendingKafka.remove(eventId), nowNanos, kafka, kafkaSeries);
  }

  void seenInQuestDb(String eventId, long nowNanos) {
    seen(pendingQuestDb.remove(eventId), nowNanos, questDb, questDbSeries);
  }

  private void seen(Sent sent, long nowNanos, LatencyHistogram histogram, List<long[]> series) {
    if (sent == null) {
      return; // not sampled, or seen before
    }
    long micros = (nowNanos - sent.scheduledNanos()) / 1_000;
    histogram.record(micros);
    series.add(new long[] {epochMillisAtNano0 + sent.scheduledNanos() / 1_000_000, micros});
  }

  /** A sampled reading not yet seen in QuestDB, with its send time (epoch ms). */
  record Pending(String eventId, long sentAtMillis) {}

  /**
   * The oldest sampled readings not yet seen in QuestDB, at most {@code limit}, oldest first: a
   * reading left out of one round must not wait behind newer ones for ever. The send time, not the
   * schedule: it bounds the reading's event time, which the watcher's query is narrowed by.
   */
  List<Pending> pendingInQuestDb(int limit) {
    return pendingQuestDb.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.comparingLong(Sent::sentNanos)))
        .limit(limit)
        .map(
            e -> new Pending(e.getKey(), epochMillisAtNano0 + e.getValue().sentNanos() / 1_000_000))
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
