package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.questdb.QuestDbSettings;
import com.dcmms.telemetry.job.questdb.QuestDbTable;
import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.rules.EventValidator;
import com.dcmms.telemetry.job.rules.RejectedRecordException;
import io.questdb.client.Sender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark's bare baseline: a plain KafkaConsumer → parse and validate → ILP/HTTP loop on the
 * same data, with no Flink, no dedup, no checkpoints and no Kafka output. It drains a topic and
 * prints events/s, so the pipeline's figures can be read as a ratio to it.
 *
 * <pre>
 * BareBaseline --bootstrap-servers localhost:9092 --topic raw_telemetry --events 5000000
 *              --threads 2 --questdb-host localhost --questdb-http-port 9000
 * </pre>
 */
public final class BareBaseline {
  private BareBaseline() {}

  /** What one run measured. */
  public record Result(long events, long stored, long rejected, Duration elapsed, int threads) {
    public double eventsPerSecond() {
      return events * 1e9 / Math.max(1, elapsed.toNanos());
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    Result r =
        run(
            a.getOrDefault("bootstrap-servers", "localhost:9092"),
            a.getOrDefault("topic", "raw_telemetry"),
            Long.parseLong(a.getOrDefault("events", "1000000")),
            Integer.parseInt(a.getOrDefault("threads", "1")),
            a.getOrDefault("questdb-host", "localhost"),
            Integer.parseInt(a.getOrDefault("questdb-http-port", "9000")),
            a.getOrDefault("table", "baseline_readings"));
    System.out.printf(
        "baseline threads=%d events=%d stored=%d rejected=%d elapsed=%.1fs rate=%.0f/s%n",
        r.threads(),
        r.events(),
        r.stored(),
        r.rejected(),
        r.elapsed().toMillis() / 1000.0,
        r.eventsPerSecond());
  }

  /** Drains {@code events} records of the topic with {@code threads} consumer/writer pairs. */
  public static Result run(
      String bootstrap,
      String topic,
      long events,
      int threads,
      String questDbHost,
      int questDbPort,
      String table)
      throws Exception {
    TelemetryJobOptions defaults = TelemetryJobOptions.defaults();
    QuestDbSettings questDb =
        new QuestDbSettings(
            questDbHost,
            questDbPort,
            table,
            50_000,
            Duration.ofMillis(250),
            Duration.ofMinutes(1),
            "",
            "",
            "");
    QuestDbTable.exec(questDb, QuestDbTable.createTableSql(table));
    AtomicLong consumed = new AtomicLong();
    AtomicLong stored = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Thread worker =
          new Thread(
              () -> {
                try {
                  drain(
                      bootstrap,
                      topic,
                      index,
                      threads,
                      events,
                      consumed,
                      stored,
                      rejected,
                      questDb,
                      new EventValidator(
                          defaults.maxEventAge(),
                          defaults.maxFutureSkew(),
                          defaults.sensorRanges()));
                } catch (Exception e) {
                  failures.add(e);
                }
              },
              "baseline-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread w : workers) {
      w.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("baseline worker failed", failures.get(0));
    }
    return new Result(
        consumed.get(),
        stored.get(),
        rejected.get(),
        Duration.ofNanos(System.nanoTime() - start),
        threads);
  }

  /** Reads partitions {@code p % threads == worker} from the start: no group, no rebalancing. */
  private static void drain(
      String bootstrap,
      String topic,
      int worker,
      int threads,
      long events,
      AtomicLong consumed,
      AtomicLong stored,
      AtomicLong rejected,
      QuestDbSettings questDb,
      EventValidator validator) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        Sender sender =
            Sender.builder(Sender.Transport.HTTP)
                .address(questDb.address())
                .disableAutoFlush()
                .build()) {
      List<TopicPartition> mine =
          consumer.partitionsFor(topic).stream()
              .filter(info -> info.partition() % threads == worker)
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(mine);
      consumer.seekToBeginning(mine);
      int pending = 0;
      while (consumed.get() < events) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          consumed.incrementAndGet();
          try {
            TelemetryReading r = validator.validate(record.value(), System.currentTimeMillis());
            // As dedup stamps it before the sink writes the row.
            r.processedAt = System.currentTimeMillis();
            QuestDbTable.appendRow(sender, questDb.table(), r);
            pending++;
          } catch (RejectedRecordException e) {
            rejected.incrementAndGet();
          }
          if (pending >= questDb.batchRows()) {
            sender.flush();
            stored.addAndGet(pending);
            pending = 0;
          }
        }
      }
      if (pending > 0) {
        sender.flush();
        stored.addAndGet(pending);
      }
    }
  }
}
