package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyTrackerTest {
  @Test
  void handsOutTheOldestPendingReadingsFirstWithTheirProduceTime() {
    LatencyTracker latency = new LatencyTracker();
    long base = System.nanoTime();
    latency.sent("c", base + 3_000_000_000L);
    latency.sent("a", base + 1_000_000_000L);
    latency.sent("d", base + 4_000_000_000L);
    latency.sent("b", base + 2_000_000_000L);
    latency.seenInQuestDb("a", base + 5_000_000_000L);

    var pending = latency.pendingInQuestDb(2);

    assertThat(pending).extracting(LatencyTracker.Pending::eventId).containsExactly("b", "c");
    assertThat(pending.get(1).sentAtMillis() - pending.get(0).sentAtMillis()).isEqualTo(1_000);
    assertThat(latency.pendingInQuestDb(10)).extracting(LatencyTracker.Pending::eventId)
        .containsExactly("b", "c", "d");
  }
}
