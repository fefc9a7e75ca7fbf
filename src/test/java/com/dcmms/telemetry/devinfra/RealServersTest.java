package com.dcmms.telemetry.devinfra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.questdb.client.Sender;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the embedded Kafka and QuestDB are real: transactions, read_committed, WAL dedup and
 * restarts.
 */
@ExtendWith(RealServers.class)
class RealServersTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void kafkaTransactionsAreVisibleToReadCommittedConsumersOnlyWhenCommitted() {
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "devinfra-tx-" + UUID.randomUUID();
    kafka.createTopics(4, topic);

    try (KafkaProducer<String, String> producer =
        transactionalProducer(kafka, "devinfra-" + UUID.randomUUID())) {
      producer.initTransactions();
      // Two committed transactions of 500 and one aborted of 100 that must stay invisible.
      sendInTransaction(producer, topic, "key-", 0, 500, true);
      sendInTransaction(producer, topic, "key-", 500, 500, true);
      sendInTransaction(producer, topic, "aborted-", 0, 100, false);
    }

    List<String> keys = readCommittedKeys(kafka, topic, 4);
    assertThat(keys).hasSize(1000).doesNotHaveDuplicates().allMatch(key -> key.startsWith("key-"));
  }

  @Test
  void kafkaKeepsCommittedRecordsAndPortAcrossRestart() {
    EmbeddedKafka kafka = RealServers.kafka();
    String topic = "devinfra-restart-" + UUID.randomUUID();
    String transactionalId = "devinfra-" + UUID.randomUUID();
    String bootstrap = kafka.bootstrapServers();
    kafka.createTopics(2, topic);
    try (KafkaProducer<String, String> producer = transactionalProducer(kafka, transactionalId)) {
      producer.initTransactions();
      sendInTransaction(producer, topic, "before-", 0, 100, true);
    }

    try {
      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
    } finally {
      // Other test classes share this broker: bring it back even if an assertion failed.
      kafka.restart();
    }

    assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
    // The same transactional id after the restart: the coordinator's state was recovered from disk.
    try (KafkaProducer<String, String> producer = transactionalProducer(kafka, transactionalId)) {
      producer.initTransactions();
      sendInTransaction(producer, topic, "after-", 0, 100, true);
    }
    List<String> keys = readCommittedKeys(kafka, topic, 2);
    assertThat(keys).hasSize(200).doesNotHaveDuplicates();
    assertThat(keys.stream().filter(key -> key.startsWith("before-"))).hasSize(100);
  }

  @Test
  void questDbWalTableDeduplicatesUpserts() throws Exception {
    EmbeddedQuestDb questDb = RealServers.questDb();
    String table = "devinfra_dedup_" + UUID.randomUUID().toString().replace("-", "");
    createDedupTable(questDb, table);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    questDb.exec("INSERT INTO " + table + " VALUES ('2026-01-01T00:00:00.000000Z', 'sql', 1.0)");
    try (Sender sender = Sender.fromConfig(questDb.ilpHttpConfig())) {
      sender.table(table).symbol("k", "a").doubleColumn("v", 1.0).at(t0);
      sender.table(table).symbol("k", "b").doubleColumn("v", 2.0).at(t0);
      sender.table(table).symbol("k", "a").doubleColumn("v", 1.0).at(t0.plusSeconds(1));
      sender.flush();
      // Same (timestamp, k) as the first row: replaces it instead of adding one.
      sender.table(table).symbol("k", "a").doubleColumn("v", 42.0).at(t0);
      sender.flush();
    }

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(questDb.count("SELECT count() FROM " + table)).isEqualTo(4);
              assertThat(
                      questDb.rows(
                          "SELECT v FROM "
                              + table
                              + " WHERE k = 'a' AND timestamp = '2026-01-01T00:00:00.000000Z'"))
                  .containsExactly(List.of(42.0));
            });
  }

  @Test
  void questDbKeepsDataAndPortsAcrossRestart() {
    EmbeddedQuestDb questDb = RealServers.questDb();
    String table = "devinfra_restart_" + UUID.randomUUID().toString().replace("-", "");
    createDedupTable(questDb, table);
    questDb.exec(
        "INSERT INTO "
            + table
            + " VALUES ('2026-01-01T00:00:00.000000Z', 'a', 1.0), "
            + "('2026-01-01T00:00:01.000000Z', 'a', 2.0), ('2026-01-01T00:00:02.000000Z', 'b', 3.0)");
    await().atMost(WAIT).until(() -> questDb.count("SELECT count() FROM " + table) == 3);
    int httpPort = questDb.httpPort();
    int pgPort = questDb.pgPort();

    try {
      questDb.stop();
      assertThat(questDb.isRunning()).isFalse();
      assertThatThrownBy(() -> questDb.exec("SELECT 1")).hasMessageContaining("stopped");
    } finally {
      questDb.start();
    }

    assertThat(questDb.httpPort()).isEqualTo(httpPort);
    assertThat(questDb.pgPort()).isEqualTo(pgPort);
    assertThat(questDb.count("SELECT count() FROM " + table)).isEqualTo(3);
    questDb.exec("INSERT INTO " + table + " VALUES ('2026-01-01T00:00:03.000000Z', 'b', 4.0)");
    await().atMost(WAIT).until(() -> questDb.count("SELECT count() FROM " + table) == 4);
  }

  private static void createDedupTable(EmbeddedQuestDb questDb, String table) {
    questDb.exec(
        "CREATE TABLE "
            + table
            + " (timestamp TIMESTAMP, k SYMBOL, v DOUBLE) "
            + "TIMESTAMP(timestamp) PARTITION BY DAY WAL DEDUP UPSERT KEYS(timestamp, k)");
  }

  private static void sendInTransaction(
      KafkaProducer<String, String> producer,
      String topic,
      String keyPrefix,
      int first,
      int count,
      boolean commit) {
    producer.beginTransaction();
    for (int n = first; n < first + count; n++) {
      producer.send(new ProducerRecord<>(topic, keyPrefix + n, "value-" + n));
    }
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.flush();
      producer.abortTransaction();
    }
  }

  /**
   * Reads every partition from the start up to its last stable offset, with {@code read_committed}.
   */
  private static List<String> readCommittedKeys(
      EmbeddedKafka kafka, String topic, int partitionCount) {
    List<String> keys = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = readCommittedConsumer(kafka)) {
      List<TopicPartition> partitions =
          IntStream.range(0, partitionCount).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      // A consumer is single-threaded: poll it on the test thread, not Awaitility's.
      await()
          .atMost(WAIT)
          .pollInSameThread()
          .untilAsserted(
              () -> {
                for (ConsumerRecord<String, String> record :
                    consumer.poll(Duration.ofMillis(200))) {
                  keys.add(record.key());
                }
                for (TopicPartition partition : partitions) {
                  assertThat(consumer.position(partition))
                      .as("position of %s", partition)
                      .isGreaterThanOrEqualTo(ends.get(partition));
                }
              });
    }
    return keys;
  }

  private static KafkaProducer<String, String> transactionalProducer(
      EmbeddedKafka kafka, String transactionalId) {
    Properties props = kafka.clientProperties();
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> readCommittedConsumer(EmbeddedKafka kafka) {
    Properties props = kafka.clientProperties();
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
  }
}
