package com.dcmms.telemetry.job.it;

import com.dcmms.telemetry.devinfra.EmbeddedKafka;
import com.dcmms.telemetry.devinfra.EmbeddedQuestDb;
import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.testkit.Events;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One pipeline under test on the shared real servers: its own topics, consumer group, table and
 * transactional ids, so tests never see each other's data.
 */
public final class PipelineFixture {
  public static final ObjectMapper JSON = Events.JSON;

  /** Largest raw record the tests send, once {@link #allowLargeRawRecords()}. */
  public static final int MAX_RAW_RECORD_BYTES = 4 * 1024 * 1024;

  public final String name;
  public final String rawTopic;
  public final String validatedTopic;
  public final String deadLetterTopic;
  public final String table;
  private final EmbeddedKafka kafka;
  private final EmbeddedQuestDb questDb;

  public PipelineFixture(String name) {
    this(name, RealServers.kafka(), RealServers.questDb(), 4);
  }

  /** A pipeline whose three topics have this many partitions, e.g. one per subtask at 32. */
  public PipelineFixture(String name, int partitions) {
    this(name, RealServers.kafka(), RealServers.questDb(), partitions);
  }

  /** A pipeline that stores into this QuestDB server, e.g. one that asks for credentials. */
  public PipelineFixture(String name, EmbeddedQuestDb questDb) {
    this(name, RealServers.kafka(), questDb, 4);
  }

  /** A pipeline on another broker (say, a secured one); QuestDB is still the run's. */
  public PipelineFixture(String name, EmbeddedKafka kafka) {
    this(name, kafka, RealServers.questDb(), 4);
  }

  private PipelineFixture(
      String name, EmbeddedKafka kafka, EmbeddedQuestDb questDb, int partitions) {
    this.kafka = kafka;
    this.questDb = questDb;
    this.name = name + "_" + UUID.randomUUID().toString().substring(0, 8);
    this.rawTopic = "raw_" + this.name;
    this.validatedTopic = "validated_" + this.name;
    this.deadLetterTopic = "dlq_" + this.name;
    this.table = "readings_" + this.name;
    kafka.createTopics(partitions, rawTopic, validatedTopic, deadLetterTopic);
  }

  /**
   * Options for this fixture: real servers (with the QuestDB server's credentials, if it asks for
   * them), parallelism 2, one-second checkpoints.
   */
  public TelemetryJobOptions options(Path checkpointDir) {
    Map<String, String> o = new HashMap<>();
    o.put("kafka.bootstrap-servers", kafka.bootstrapServers());
    o.put("kafka.raw-topic", rawTopic);
    o.put("kafka.validated-topic", validatedTopic);
    o.put("kafka.dead-letter-topic", deadLetterTopic);
    o.put("kafka.group-id", "group-" + name);
    o.put("kafka.transactional-id-prefix", "tx-" + name);
    o.put("kafka.transaction-timeout", "2 min");
    o.put("questdb.host", questDb.host());
    o.put("questdb.http-port", Integer.toString(questDb.httpPort()));
    o.put("questdb.table", table);
    o.put("questdb.retry-timeout", "30 s");
    if (questDb.hasAuth()) {
      o.put("questdb.username", questDb.user());
      o.put("questdb.password", questDb.password());
    }
    o.put("parallelism", "2");
    o.put("checkpoint.interval", "1 s");
    o.put("checkpoint.min-pause", "200 ms");
    o.put("checkpoint.dir", checkpointDir.toUri().toString());
    o.put("restart.delay", "200 ms");
    o.put("watermark.idleness", "2 s");
    kafka
        .clientSecurity()
        .forEach((k, v) -> o.put(TelemetryJobOptions.KAFKA_PROPERTY_PREFIX + k, v));
    return TelemetryJobOptions.fromMap(o);
  }

  public EmbeddedQuestDb questDb() {
    return questDb;
  }

  /**
   * Produces the records in order (idempotent producer, acks=all), waits for every ack and returns
   * where each one landed.
   */
  public List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) {
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_RAW_RECORD_BYTES));
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        acks.add(producer.send(r));
      }
      producer.flush();
      List<RecordMetadata> landed = new ArrayList<>();
      for (Future<RecordMetadata> ack : acks) {
        landed.add(ack.get());
      }
      return landed;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("could not produce to " + rawTopic, e);
    }
  }

  /**
   * Lets raw_telemetry take records of up to {@link #MAX_RAW_RECORD_BYTES} (Kafka's default is 1
   * MiB).
   */
  public void allowLargeRawRecords() {
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, rawTopic);
    AlterConfigOp op =
        new AlterConfigOp(
            new ConfigEntry("max.message.bytes", Integer.toString(MAX_RAW_RECORD_BYTES)),
            AlterConfigOp.OpType.SET);
    try {
      kafka.admin().incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("could not raise max.message.bytes of " + rawTopic, e);
    }
  }

  /** A raw record keyed by sensor, as the MQTT bridge sends them. */
  public ProducerRecord<byte[], byte[]> raw(String key, byte[] value) {
    return new ProducerRecord<>(
        rawTopic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }

  public ProducerRecord<byte[], byte[]> raw(String key, String value) {
    return raw(key, value.getBytes(StandardCharsets.UTF_8));
  }

  public ProducerRecord<byte[], byte[]> raw(ObjectNode event) {
    return raw(Events.key(event), event.toString());
  }

  /** Every committed record of a topic, read with read_committed up to its end. */
  public List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
    Properties p = kafka.clientProperties();
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + end);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /** The JSON values of every committed record of a topic. */
  public List<JsonNode> readCommittedJson(String topic) {
    return readCommitted(topic).stream().map(r -> parse(r.value())).toList();
  }

  public static JsonNode parse(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A MiniCluster for a test class: {@code taskManagers} × {@code slots}. */
  public static org.apache.flink.test.junit5.MiniClusterExtension miniCluster(
      int taskManagers, int slots) {
    return miniCluster(taskManagers, slots, new org.apache.flink.configuration.Configuration());
  }

  /** A MiniCluster with this configuration, e.g. a metric reporter's. */
  public static org.apache.flink.test.junit5.MiniClusterExtension miniCluster(
      int taskManagers, int slots, org.apache.flink.configuration.Configuration configuration) {
    return com.dcmms.telemetry.job.inmemory.InMemoryPipeline.miniCluster(
        taskManagers, slots, configuration);
  }

  /** Starts the whole job with these options on the cluster of the calling test. */
  public static org.apache.flink.core.execution.JobClient start(TelemetryJobOptions options)
      throws Exception {
    return start(options, null);
  }

  /** Starts the whole job, restored from this savepoint or retained checkpoint unless null. */
  public static org.apache.flink.core.execution.JobClient start(
      TelemetryJobOptions options, String restoreFrom) throws Exception {
    var config = com.dcmms.telemetry.job.TelemetryJob.flinkConfiguration(options);
    if (restoreFrom != null) {
      config.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    var env =
        org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
            .getExecutionEnvironment(config);
    com.dcmms.telemetry.job.TelemetryJob.build(env, options);
    return env.executeAsync(com.dcmms.telemetry.job.TelemetryJob.JOB_NAME);
  }

  /**
   * {@link Events#series}' readings {@code from..to-1} of {@code sensors} sensors, keyed by sensor.
   */
  public List<ProducerRecord<byte[], byte[]>> readings(
      int from, int to, int sensors, long base, String site, String type) {
    return Events.series(from, to, sensors, base, site, type).stream().map(this::raw).toList();
  }

  /** {@link Events#nearDuplicates} of reading {@code lastReading}: dedup drops them all. */
  public List<ProducerRecord<byte[], byte[]>> nearDuplicates(
      int sensors, int lastReading, String tag, long base, String site) {
    return Events.nearDuplicates(sensors, lastReading, tag, base, site).stream()
        .map(this::raw)
        .toList();
  }
}
