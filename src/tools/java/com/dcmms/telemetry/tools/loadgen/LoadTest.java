package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.cli.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The load generator: sends a synthetic fleet's telemetry to raw_telemetry at a held rate, measures
 * end-to-end latency of sampled readings to QuestDB and validated_telemetry, and with {@code
 * --verify} checks that the pipeline stored, republished and dead-lettered exactly what it should.
 *
 * <p>Run it with {@code bin/load-test [options]}; the script runs this class from the test classes
 * (it is a tool, not part of the service), of which it uses only kafka-clients, Jackson,
 * HdrHistogram and picocli. {@code bin/load-test --help} lists the options ({@link
 * LoadTestCommand}). Exit status: 0 done (and verified), 1 the verification found a difference or
 * the run broke off, 2 bad options or Kafka or QuestDB unreachable at the start.
 *
 * <p>Example: {@code bin/load-test --duration 60s --rate 5000 --workers 4 --verify}.
 */
public final class LoadTest {
  public static final int OK = Cli.OK;

  /** A verification found a difference. */
  public static final int VERIFY_FAILED = Cli.FAILED;

  /** The run broke off: a report not written, a server gone… */
  public static final int FAILED = Cli.FAILED;

  /** Bad options, or Kafka or QuestDB did not answer before the run. */
  public static final int USAGE_ERROR = Cli.USAGE_ERROR;

  static final long PROGRESS_SECONDS = 5;
  private static final java.util.logging.Logger QUIET =
      java.util.logging.Logger.getLogger("org.apache.kafka");

  private LoadTest() {}

  /** Set by Ctrl-C: sending stops, waiting for outputs ends early, the summary still prints. */
  static volatile boolean stopRequested;

  private static volatile RateControlledProducer running;

  public static void main(String[] args) {
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopRequested = true;
                  RateControlledProducer p = running;
                  if (p != null) {
                    p.stop();
                  }
                  try {
                    finished.await(
                        15, TimeUnit.SECONDS); // let the summary print before the JVM halts
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "load-test-stop"));
    // Only warnings from the Kafka clients: their INFO lines (configs, connections) would bury
    // the progress lines. A field keeps the logger, so its level is not garbage collected.
    QUIET.setLevel(java.util.logging.Level.WARNING);
    int status = run(args, System.out, System.err);
    finished.countDown();
    System.exit(status);
  }

  /**
   * Runs a load test with command-line {@code args} and returns the exit status: a usage error or
   * an unreachable server is {@value #USAGE_ERROR}, a failed verification or run {@value #FAILED};
   * errors go to {@code err}.
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return LoadTestCommand.execute(out, err, args);
  }

  /** As above, errors to {@code out} too. */
  public static int run(String[] args, PrintStream out) {
    return run(args, out, out);
  }

  /**
   * Runs a load test with checked options: {@value #OK}, or {@value #VERIFY_FAILED} when the
   * verification found a difference; an {@link com.dcmms.telemetry.tools.cli.Unreachable} server or
   * another failure of the run is thrown.
   */
  public static int run(LoadTestOptions o, PrintStream out)
      throws IOException, InterruptedException {
    Reachability.kafka(o.bootstrapServers());
    QuestDbClient questDb = new QuestDbClient(o.questDbUrl());
    if (o.verify() || o.latencySample() > 0) {
      Reachability.questDb(questDb, o.questDbUrl());
    }
    // A monotonic wall clock: timestamps must not step back if the system clock is adjusted,
    // or a sensor's timestamps could repeat.
    long epoch0 = System.currentTimeMillis();
    long nano0 = System.nanoTime();
    LongSupplier clock = () -> epoch0 + (System.nanoTime() - nano0) / 1_000_000;
    // A reading's event time is at most max-disorder before its produce time (same clock).
    long lookbackMillis = o.maxDisorder().toMillis() + 2_000;
    long eventTime0 = epoch0 - o.backlogMillis();
    long fromMillis = eventTime0 - o.maxDisorder().toMillis() - 60_000;

    RunCounters counters = new RunCounters();
    LatencyTracker latency = new LatencyTracker();
    IdSet expected = new IdSet(o.eventIdPrefix());
    IdSet anomalies = new IdSet(o.eventIdPrefix());
    Report report = new Report(o, counters, latency, out);
    report.plan();
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "load-test-progress");
              t.setDaemon(true);
              return t;
            });
    try (OutputWatcher watcher = new OutputWatcher(o, latency, anomalies);
        QuestDbWatcher questDbWatcher =
            new QuestDbWatcher(questDb, o.table(), fromMillis, lookbackMillis, latency);
        KafkaProducer<byte[], byte[]> kafka = new KafkaProducer<>(producerProperties(o))) {
      RateControlledProducer producer =
          new RateControlledProducer(
              o, kafka, counters, latency, expected, anomalies, clock, eventTime0);
      running = producer;
      long wallStart = System.nanoTime();
      ticker.scheduleAtFixedRate(
          () -> report.progress(System.nanoTime() - wallStart, producer.elapsedNanos()),
          PROGRESS_SECONDS,
          PROGRESS_SECONDS,
          TimeUnit.SECONDS);
      producer.run(o.seed());
      long sent = counters.total();
      out.printf(
          java.util.Locale.ROOT,
          "sent %d records in %.2f s%n",
          sent,
          producer.elapsedNanos() / 1e9);

      Verifier verifier = new Verifier(o, questDb, watcher, counters, expected, fromMillis, out);
      Verifier.Snapshot settled = null;
      if (o.verify() && !stopRequested) {
        out.println(
            "waiting for the outputs to settle (at most " + o.verifyTimeout().toSeconds() + " s)…");
        settled = verifier.awaitSettled();
      }
      awaitSamples(latency, o.verify() ? 2_000 : o.verifyTimeout().toMillis());
      ticker.shutdownNow();
      report.summary(producer.achievedRate(sent), producer.elapsedNanos());
      if (questDbWatcher.lastError() != null && latency.pendingQuestDbCount() > 0) {
        out.println("  (last QuestDB error: " + questDbWatcher.lastError() + ")");
      }
      Boolean verified = settled == null ? null : verifier.check(settled);
      if (!o.reportJson().isEmpty()) {
        try {
          JsonReport.write(
              java.nio.file.Path.of(o.reportJson()),
              o,
              counters,
              latency,
              producer.achievedRate(sent),
              producer.elapsedNanos(),
              verified);
        } catch (IOException e) {
          throw new IOException("cannot write the report " + o.reportJson(), e);
        }
      }
      return verified == null || verified ? OK : VERIFY_FAILED;
    } finally {
      running = null;
      ticker.shutdownNow();
    }
  }

  /** Waits, bounded, for the sampled readings still on their way. */
  private static void awaitSamples(LatencyTracker latency, long maxMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + maxMillis;
    while (!latency.done() && !stopRequested && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
  }

  static Properties producerProperties(LoadTestOptions o) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    // Idempotent with acks=all: a retried batch is never written twice, so the exact counts hold.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "load-test-" + o.runId());
    return p;
  }
}
