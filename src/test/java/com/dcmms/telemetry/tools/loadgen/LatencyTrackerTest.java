package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** End-to-end latency counts from the scheduled send time; the QuestDB watcher gets send times. */
class LatencyTrackerTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void countsLatencyFromTheScheduleSoALateSendCannotHideIt() {
    LatencyTracker latency = new LatencyTracker();
    long t0 = System.nanoTime();
    // Due at t0 but sent 3 s late (a generator held back), seen 0.1 s and 0.2 s after the send.
    latency.sent("a", t0, t0 + 3 * SECOND);
    latency.acked(t0 + 3 * SECOND, t0 + 3 * SECOND + 50_000_000);
    latency.seenInKafka("a", t0 + 3 * SECOND + 100_000_000);
    latency.seenInQuestDb("a", t0 + 3 * SECOND + 200_000_000);

    assertThat(latency.kafka.snapshot().getMaxValue()).isBetween(3_100_000L, 3_103_100L);
    assertThat(latency.questDb.snapshot().getMaxValue()).isBetween(3_200_000L, 3_203_200L);
    assertThat(latency.kafkaSeries)
        .singleElement()
        .satisfies(p -> assertThat(p[1]).isEqualTo(3_100_000));
    assertThat(latency.questDbSeries)
        .singleElement()
        .satisfies(p -> assertThat(p[1]).isEqualTo(3_200_000));
    // The producer ack is no end-to-end figure: it still counts from the produce call.
    assertThat(latency.producerAck.snapshot().getMaxValue()).isBetween(50_000L, 50_050L);
    assertThat(latency.done()).isTrue();
  }

  @Test
  void plotsEachSampleAtItsScheduledTime() {
    LatencyTracker latency = new LatencyTracker();
    long t0 = System.nanoTime();
    latency.sent("a", t0, t0 + 3 * SECOND);
    latency.sent("b", t0 + SECOND, t0 + 3 * SECOND);
    long sentAtMillis = latency.pendingInQuestDb(1).get(0).sentAtMillis();
    latency.seenInQuestDb("a", t0 + 4 * SECOND);
    latency.seenInQuestDb("b", t0 + 4 * SECOND);

    long[] a = latency.questDbSeries.get(0);
    long[] b = latency.questDbSeries.get(1);
    assertThat(sentAtMillis - a[0]).as("3 s from schedule to send").isBetween(2_999L, 3_001L);
    assertThat(b[0] - a[0]).isBetween(999L, 1_001L);
    assertThat(a[1]).isEqualTo(4_000_000);
    assertThat(b[1]).isEqualTo(3_000_000);
  }

  @Test
  void countsEachSampleOnceAndIgnoresReadingsNotSampled() {
    LatencyTracker latency = new LatencyTracker();
    long t0 = System.nanoTime();
    latency.sent("a", t0, t0);
    latency.seenInKafka("a", t0 + SECOND);
    latency.seenInKafka("a", t0 + 2 * SECOND); // a re-delivery is no new sample
    latency.seenInKafka("other", t0 + SECOND);

    assertThat(latency.kafka.snapshot().getTotalCount()).isEqualTo(1);
    assertThat(latency.kafkaSeries).hasSize(1);
    assertThat(latency.pendingKafkaCount()).isZero();
    assertThat(latency.pendingQuestDbCount()).isEqualTo(1);
  }

  @Test
  void handsOutTheOldestPendingReadingsFirstWithTheirSendTime() {
    LatencyTracker latency = new LatencyTracker();
    long base = System.nanoTime();
    // All due at once (the generator fell behind): the watcher's order and window follow the send.
    latency.sent("c", base, base + 3 * SECOND);
    latency.sent("a", base, base + SECOND);
    latency.sent("d", base, base + 4 * SECOND);
    latency.sent("b", base, base + 2 * SECOND);
    latency.seenInQuestDb("a", base + 5 * SECOND);

    var pending = latency.pendingInQuestDb(2);

    assertThat(pending).extracting(LatencyTracker.Pending::eventId).containsExactly("b", "c");
    assertThat(pending.get(1).sentAtMillis() - pending.get(0).sentAtMillis()).isEqualTo(1_000);
    assertThat(latency.pendingInQuestDb(10))
        .extracting(LatencyTracker.Pending::eventId)
        .containsExactly("b", "c", "d");
  }
}
