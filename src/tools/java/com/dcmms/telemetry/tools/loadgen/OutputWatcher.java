package com.dcmms.telemetry.tools.loadgen;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads validated_telemetry and the dead-letter topic with read_committed from their end offsets at
 * start, so it sees exactly what the pipeline commits during the run: this run's records, how often
 * each arrives, their quality flags, its dead letters and the sampled latencies.
 */
public final class OutputWatcher implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LoadTestOptions o;
  private final LatencyTracker latency;
  private final IdSet anomalies;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final BlockingQueue<Polled> polled = new ArrayBlockingQueue<>(64);
  private final Thread poller;
  private final Thread reader;
  private volatile boolean running = true;
  private volatile String failure;

  final IdSet validated;
  final AtomicLong validatedDuplicates = new AtomicLong();
  final AtomicLong wrongFlags = new AtomicLong();
  final AtomicLong deadLetters = new AtomicLong();
  final AtomicLong unreadable = new AtomicLong();

  /**
   * Assigns all partitions and fixes their end offsets before returning, so nothing produced later
   * is missed.
   */
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
    // A commit makes a whole checkpoint's records visible at once: take them in few, large polls.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    consumer = new KafkaConsumer<>(p);
    List<TopicPartition> partitions = new ArrayList<>();
    partitions.addAll(partitionsOf(o.validatedTopic()));
    partitions.addAll(partitionsOf(o.dlqTopic()));
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    // seekToEnd is lazy: resolve the positions now, before the first event is produced.
    partitions.forEach(consumer::position);
    poller = new Thread(this::poll, "load-test-watcher");
    poller.setDaemon(true);
    poller.start();
    reader = new Thread(this::read, "load-test-watcher-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private List<TopicPartition> partitionsOf(String topic) {
    List<PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      consumer.close(Duration.ZERO);
      throw new IllegalStateException(
          "Kafka at "
              + o.bootstrapServers()
              + " did not answer within 15 s ("
              + e.getMessage()
              + "); is it running? set --bootstrap-servers");
    }
    if (infos == null || infos.isEmpty()) {
      consumer.close(Duration.ZERO);
      throw new IllegalStateException(
          "topic '"
              + topic
              + "' does not exist on "
              + o.bootstrapServers()
              + "; start the pipeline (it creates its topics) or pass the right --validated-topic/--dlq-topic");
    }
    return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  /**
   * Only polls: a record counts as visible when a poll hands it over, so the time to parse a
   * checkpoint's burst of ~100,000 records is not added to the latency of the last of them. A full
   * queue stalls the polls, which can only make latencies look longer, never shorter.
   */
  private void poll() {
    try {
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          polled.put(new Polled(records, System.nanoTime()));
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException
        | org.apache.kafka.common.errors.InterruptException
        | InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      failure = "reading the output topics failed: " + e;
    }
  }

  private void read() {
    try {
      while (running || !polled.isEmpty()) {
        Polled p = polled.poll(100, TimeUnit.MILLISECONDS);
        if (p == null) {
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : p.records()) {
          if (r.topic().equals(o.validatedTopic())) {
            onValidated(r.value(), p.nanos());
          } else {
            onDeadLetter(r.value());
          }
        }
      }
    } catch (InterruptedException e) {
      // closing
    } catch (RuntimeException e) {
      failure = "reading the output topics failed: " + e;
    }
  }

  private void onValidated(byte[] value, long now) {
    IdAndFlag record;
    try {
      record = value == null ? null : IdAndFlag.of(value);
    } catch (IOException e) {
      unreadable.incrementAndGet();
      return;
    }
    if (record == null || record.eventId() == null || !validated.isOfRun(record.eventId())) {
      return; // other traffic on the topic
    }
    String id = record.eventId();
    latency.seenInKafka(id, now);
    if (!validated.add(id)) {
      validatedDuplicates.incrementAndGet();
      return;
    }
    boolean flagged = "OUT_OF_RANGE".equals(record.qualityFlag());
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

  /** Records of one poll and when it returned them. */
  private record Polled(ConsumerRecords<byte[], byte[]> records, long nanos) {}

  /**
   * The two fields of a validated_telemetry record the watcher needs, read with the streaming
   * parser: building a tree of every record made the watcher slower than the bursts it reads.
   */
  record IdAndFlag(String eventId, String qualityFlag) {
    /** Null when the record is not a JSON object; a field it lacks is null. */
    static IdAndFlag of(byte[] value) throws IOException {
      try (JsonParser p = JSON.getFactory().createParser(value)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return null;
        }
        String id = null;
        String flag = null;
        while ((id == null || flag == null) && p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken t = p.nextToken();
          if (t == JsonToken.VALUE_STRING && "event_id".equals(name)) {
            id = p.getText();
          } else if (t == JsonToken.VALUE_STRING && "quality_flag".equals(name)) {
            flag = p.getText();
          } else {
            p.skipChildren();
          }
        }
        return new IdAndFlag(id, flag);
      }
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
    poller.interrupt();
    poller.join(10_000);
    reader.join(10_000);
    consumer.close(Duration.ofSeconds(5));
  }
}
