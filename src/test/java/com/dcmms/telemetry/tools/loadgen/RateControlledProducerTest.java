package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Latency starts at an event's scheduled send time, so a producer that blocks cannot hide it. */
class RateControlledProducerTest {
  private static final int EVENTS = 20;
  private static final long BLOCK_MILLIS = 50;

  @Test
  void aGeneratorThatFallsBehindAddsItsBacklogToTheLatency() throws InterruptedException {
    // One event due every 10 ms, but each send blocks 50 ms: the k-th goes out about 40 k ms late,
    // and is seen 50 ms after its send.
    LatencyTracker latency = runAgainstABlockingProducer("100");

    Histogram h = latency.questDb.snapshot();
    assertThat(h.getTotalCount()).isEqualTo(EVENTS);
    long lastLateness = (EVENTS - 1) * (BLOCK_MILLIS - 10);
    assertThat(h.getMaxValue()).isGreaterThanOrEqualTo((lastLateness + BLOCK_MILLIS) * 1_000);
    // The ack is no end-to-end figure: it counts from the produce call, so the backlog is not in
    // it.
    assertThat(latency.producerAck.snapshot().getMaxValue()).isLessThan(lastLateness * 1_000);
  }

  @Test
  void atFullSpeedThereIsNoScheduleAndLatencyCountsFromTheSend() throws InterruptedException {
    LatencyTracker latency = runAgainstABlockingProducer("0");

    Histogram h = latency.questDb.snapshot();
    assertThat(h.getTotalCount()).isEqualTo(EVENTS);
    assertThat(h.getMinValue()).isGreaterThanOrEqualTo(BLOCK_MILLIS * 1_000);
    // Every event is due at the start at --rate 0; counted from there the last would show the
    // whole run, about EVENTS * 50 ms.
    assertThat(h.getMaxValue()).isLessThan(EVENTS / 2 * BLOCK_MILLIS * 1_000);
  }

  /**
   * Sends EVENTS readings, all sampled, each seen in QuestDB as soon as its blocked send returns.
   */
  private static LatencyTracker runAgainstABlockingProducer(String rate)
      throws InterruptedException {
    LoadTestOptions o =
        LoadTestOptions.parse(
            "--events",
            Integer.toString(EVENTS),
            "--rate",
            rate,
            "--workers",
            "1",
            "--latency-sample",
            "1",
            "--anomalies",
            "0",
            "--duplicates",
            "0",
            "--near-duplicates",
            "0",
            "--malformed",
            "0",
            "--out-of-order",
            "0",
            "--seed",
            "1");
    LatencyTracker latency = new LatencyTracker();
    MockProducer<byte[], byte[]> blocking =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<byte[], byte[]> r, Callback c) {
            try {
              Thread.sleep(BLOCK_MILLIS); // e.g. a full buffer: send() waits for the broker
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            long now = System.nanoTime();
            latency.pendingInQuestDb(EVENTS).forEach(p -> latency.seenInQuestDb(p.eventId(), now));
            return super.send(r, c);
          }
        };
    new RateControlledProducer(
            o,
            blocking,
            new RunCounters(),
            latency,
            new IdSet(o.eventIdPrefix()),
            new IdSet(o.eventIdPrefix()),
            System::currentTimeMillis,
            0)
        .run(o.seed());
    return latency;
  }
}
