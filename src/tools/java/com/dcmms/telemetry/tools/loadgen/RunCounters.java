package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.loadgen.GeneratedEvent.Kind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Exact counts of what was sent, by kind; shared by the producer threads. */
public final class RunCounters {
  private final Map<Kind, LongAdder> byKind = new EnumMap<>(Kind.class);
  final LongAdder outOfOrder = new LongAdder();
  final LongAdder sampled = new LongAdder();
  final LongAdder sendFailures = new LongAdder();
  final LongAdder acked = new LongAdder();

  /** Set from the first failed send, to say why the run's expectations no longer hold. */
  volatile String firstFailure;

  public RunCounters() {
    for (Kind k : Kind.values()) {
      byKind.put(k, new LongAdder());
    }
  }

  void sent(GeneratedEvent e) {
    byKind.get(e.kind()).increment();
    if (e.outOfOrder()) {
      outOfOrder.increment();
    }
    if (e.sampled()) {
      sampled.increment();
    }
  }

  public long count(Kind kind) {
    return byKind.get(kind).sum();
  }

  /** Every record handed to the producer. */
  public long total() {
    return byKind.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Distinct readings the pipeline must store and republish. */
  public long expectedReadings() {
    return count(Kind.VALID) + count(Kind.ANOMALY);
  }

  public long failures() {
    return sendFailures.sum();
  }
}
