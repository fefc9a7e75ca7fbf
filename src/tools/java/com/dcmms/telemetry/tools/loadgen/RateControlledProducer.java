package com.dcmms.telemetry.tools.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the generated events from W threads on one schedule: event i (over all workers) is due at
 * start + i / rate, and worker w sends events w, w + W, ... So the rate holds on average without
 * per-event sleeps, and a worker that falls behind catches up instead of drifting. The time an
 * event is due is also where its end-to-end latency starts ({@link LatencyTracker}).
 */
public final class RateControlledProducer {
  private final LoadTestOptions o;
  private final Producer<byte[], byte[]> producer;
  private final RunCounters counters;
  private final LatencyTracker latency;
  private final IdSet expected;
  private final IdSet anomalies;
  private final LongSupplier clockMillis;

  /** Where a backlog's event time starts (--event-rate). */
  private final long eventTime0;

  private volatile boolean stopRequested;
  private volatile long startNanos;
  private volatile long endNanos;

  /**
   * When the last event went out: the achieved rate is measured up to here, not to the last ack.
   */
  private volatile long lastSendNanos;

  public RateControlledProducer(
      LoadTestOptions o,
      Producer<byte[], byte[]> producer,
      RunCounters counters,
      LatencyTracker latency,
      IdSet expected,
      IdSet anomalies,
      LongSupplier clockMillis,
      long eventTime0) {
    this.o = o;
    this.producer = producer;
    this.counters = counters;
    this.latency = latency;
    this.expected = expected;
    this.anomalies = anomalies;
    this.clockMillis = clockMillis;
    this.eventTime0 = eventTime0;
  }

  /**
   * Whether latency counts from the schedule: only a held rate has one; at --rate 0 every event is
   * due at once, so latency counts from its send.
   */
  static boolean latencyFromSchedule(LoadTestOptions o) {
    return o.rate() > 0;
  }

  /** Sends everything, waits for every ack, and returns; {@link #stop()} ends it early. */
  public void run(long seed) throws InterruptedException {
    startNanos = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < o.workers(); w++) {
      // Distinct seeds per worker; the run's seed makes the whole data set reproducible.
      EventFactory factory =
          new EventFactory(o, w, seed * 31 + w, o.eventRate() > 0 ? backlogClock(w) : clockMillis);
      int worker = w;
      Thread t = new Thread(() -> work(worker, factory), "load-test-producer-" + w);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    producer.flush();
    endNanos = System.nanoTime();
  }

  /**
   * Event time of a backlog: event i (of all workers) at i / event-rate after its start, so the
   * readings are spaced as if recorded at that rate, however fast they are sent.
   */
  private LongSupplier backlogClock(int worker) {
    double millisPerEvent = 1_000 / o.eventRate();
    return new LongSupplier() {
      private long i = worker;

      @Override
      public long getAsLong() {
        long t = eventTime0 + (long) (i * millisPerEvent);
        i += o.workers();
        return t;
      }
    };
  }

  private void work(int worker, EventFactory factory) {
    int workers = o.workers();
    double nanosPerEvent = o.rate() > 0 ? 1e9 / o.rate() : 0;
    long deadline = o.duration() == null ? Long.MAX_VALUE : startNanos + o.duration().toNanos();
    for (long i = worker; !stopRequested; i += workers) {
      if (o.duration() == null && i >= o.events()) {
        return;
      }
      long due = startNanos + (long) (i * nanosPerEvent);
      if (due >= deadline || System.nanoTime() >= deadline) {
        return;
      }
      for (long wait; (wait = due - System.nanoTime()) > 0 && !stopRequested; ) {
        LockSupport.parkNanos(wait);
      }
      try {
        send(factory.next(), due);
      } catch (RuntimeException e) {
        // E.g. the producer closed or a record too large: the counts no longer describe what
        // reached Kafka, so stop the run and let the report say why.
        fail(e);
        stopRequested = true;
        return;
      }
    }
  }

  private void fail(Exception error) {
    counters.sendFailures.increment();
    if (counters.firstFailure == null) {
      counters.firstFailure = error.toString();
    }
  }

  private void send(GeneratedEvent e, long dueNanos) {
    // Bookkeeping first: the watchers may see the record before send() even returns.
    if (e.kind().emitted()) {
      expected.add(e.eventId());
    }
    if (e.kind() == GeneratedEvent.Kind.ANOMALY) {
      anomalies.add(e.eventId());
    }
    long sent = System.nanoTime();
    lastSendNanos = sent;
    if (e.sampled()) {
      // Sent before it was due only when the run is stopped during the wait: count from the send.
      latency.sent(e.eventId(), latencyFromSchedule(o) ? Math.min(dueNanos, sent) : sent, sent);
    }
    counters.sent(e);
    boolean sampled = e.sampled();
    producer.send(
        new ProducerRecord<>(
            o.topic(), e.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), e.payload()),
        (metadata, error) -> {
          if (error != null) {
            fail(error);
          } else {
            counters.acked.increment();
            if (sampled) {
              latency.acked(sent, System.nanoTime());
            }
          }
        });
  }

  /** Ends the run after the events in flight (e.g. on Ctrl-C). */
  public void stop() {
    stopRequested = true;
  }

  /** Events per second actually sent, from the start to the last send. */
  public double achievedRate(long sentEvents) {
    long span = lastSendNanos - startNanos;
    return span <= 0 ? 0 : sentEvents * 1e9 / span;
  }

  /** Nanos since the start, up to the last ack once the run is over. */
  public long elapsedNanos() {
    long start = startNanos;
    if (start == 0) {
      return 0;
    }
    long end = endNanos;
    return (end == 0 ? System.nanoTime() : end) - start;
  }
}
