package com.dcmms.telemetry.tools.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads validated_telemetry and the dead-letter topic with read_committed from their end
 * offsets at start, so it sees exactly what the pipeline commits during the run: this run's
 * records, how often each arrives, their quality flags, its dead letters and the sampled latencies.
 */
public final class OutputWatcher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LoadTestOptions o;
  private final LatencyTracker latency;
  private final IdSet anomalies;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String failure;

  final IdSet validated;
  final AtomicLong validatedDuplicates = new AtomicLong();
  final AtomicLong wrongFlags = new AtomicLong();
  final AtomicLong deadLetters = new AtomicLong();
  final AtomicLong unreadable = new AtomicLong();

  /** Assigns all partitions and fixes their end offsets before returning, so nothing produced later is missed. */
  public OutputWatcher(LoadTestOptions o, LatencyTracker latency, IdSet anomalies) {
    this.o = o;
    this.latency = latency;
    this.anomalies = anomalies;
    this.validated = new IdSet(o.eventIdPrefix());
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "load-test-watcher-" + o.runId());
    consumer = new KafkaConsumer<>(p);
    List<TopicPartition> partitions = new ArrayList<>();
    partitions.addAll(partitionsOf(o.validatedTopic()));
    partitions.addAll(partitionsOf(o.dlqTopic()));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    // seekToEnd is lazy: resolve the positions now, before the first event is produced.
    partitions.forEach(consumer::position);
    thread = new Thread(this::loop, "load-test-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private List<TopicPartition> partitionsOf(String topic) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      consumer.close(Duration.ZERO);
      throw new IllegalStateException("Kafka at " + o.bootstrapServers() + " did not answer within 15 s ("
          + e.getMessage() + "); is it running? set --bootstrap-servers");
    }
    if (infos == null || infos.isEmpty()) {
      consumer.close(Duration.ZERO);
      throw new IllegalStateException("topic '" + topic + "' does not exist on " + o.bootstrapServers()
          + "; start the pipeline (it creates its topics) or pass the right --validated-topic/--dlq-topic");
    }
    return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  private void loop() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          if (r.topic().equals(o.validatedTopic())) {
            onValidated(r.value(), now);
          } else {
            onDeadLetter(r.value());
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = "reading the output topics failed: " + e;
    }
  }

  private void onValidated(byte[] value, long now) {
    JsonNode json = parse(value);
    String id = json == null ? null : json.path("event_id").asText(null);
    if (id == null || !validated.isOfRun(id)) {
      return; // other traffic on the topic
    }
    latency.seenInKafka(id, now);
    if (!validated.add(id)) {
      validatedDuplicates.incrementAndGet();
      return;
    }
    boolean flagged = "OUT_OF_RANGE".equals(json.path("quality_flag").asText());
    if (flagged != anomalies.contains(id)) {
      wrongFlags.incrementAndGet();
    }
  }

  private void onDeadLetter(byte[] value) {
    JsonNode json = parse(value);
    if (json != null && json.path("payload").asText("").contains(o.eventIdPrefix())) {
      deadLetters.incrementAndGet();
    }
  }

  private JsonNode parse(byte[] value) {
    try {
      return value == null ? null : JSON.readTree(value);
    } catch (IOException e) {
      unreadable.incrementAndGet();
      return null;
    }
  }

  /** Why reading stopped, or null while it works. */
  public String failure() {
    return failure;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
    consumer.close(Duration.ofSeconds(5));
  }
}
