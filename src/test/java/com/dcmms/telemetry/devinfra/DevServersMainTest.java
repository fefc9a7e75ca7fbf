package com.dcmms.telemetry.devinfra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.testkit.ChildProcess;
import com.dcmms.telemetry.testkit.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link DevServersMain} the way dev mode does, as a child process, and holds it to its
 * promises.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DevServersMainTest {

  private static final Duration READY_WAIT = Duration.ofSeconds(60);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(20);
  private static final String RAW = "raw_telemetry";

  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path dataDir;

  @Test
  void servesKafkaTopicsDemoDataAndQuestDbThenExitsWhenItsStdinCloses() throws Exception {
    int[] ports = FreePorts.loopback(3);
    try (Child child = startChild(dataDir, ports, 50)) {
      assertThat(child.readyLine())
          .isEqualTo(
              DevServersMain.READY
                  + " kafka=127.0.0.1:"
                  + ports[0]
                  + " questdb-http="
                  + ports[1]
                  + " questdb-pg="
                  + ports[2]);
      try (Admin admin = admin(ports[0])) {
        Map<String, TopicDescription> topics =
            admin.describeTopics(DevServersMain.TOPICS).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(topics).containsOnlyKeys(DevServersMain.TOPICS);
        assertThat(topics.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(8));
      }

      List<ConsumerRecord<String, String>> records = consume(ports[0], 100);
      List<JsonNode> readings = wellFormedReadings(records);
      // About 2 % are malformed on purpose; far more than that would mean the generator itself is
      // broken.
      assertThat(readings.size())
          .as("well-formed readings among %s", records.size())
          .isGreaterThan(records.size() * 8 / 10);
      assertThat(readings)
          .allSatisfy(
              reading -> {
                assertThat(reading.path("quality_flag").asText()).isEqualTo("GOOD");
                assertThat(reading.path("source").asText()).isEqualTo("MQTT");
                assertThat(reading.path("timestamp").asLong())
                    .isCloseTo(System.currentTimeMillis(), within(TimeUnit.MINUTES.toMillis(5)));
              });
      assertThat(records)
          .allSatisfy(record -> assertThat(record.key()).matches("[^:]+:[^:]+:[^:]+"));

      assertThat(questDbExec(ports[1], "select 1").statusCode()).isEqualTo(200);

      child.closeStdinAndAwaitExit();
    }
  }

  @Test
  void restartsOnTheSameDataDirWithTopicsRecordsAndTablesKept() throws Exception {
    int[] ports = FreePorts.loopback(3);
    long recordsBefore;
    try (Child first = startChild(dataDir, ports, 50)) {
      consume(ports[0], 20);
      assertThat(
              questDbExec(
                      ports[1],
                      "CREATE TABLE kept (ts TIMESTAMP, v DOUBLE) TIMESTAMP(ts) PARTITION BY DAY WAL")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              questDbExec(ports[1], "INSERT INTO kept VALUES ('2026-01-01T00:00:00.000000Z', 42.0)")
                  .statusCode())
          .isEqualTo(200);
      awaitRowCount(ports[1], "kept", 1);
      recordsBefore = totalRecords(ports[0]);
      first.closeStdinAndAwaitExit();
    }

    // Rate 0: nothing new is produced, so every record found now was kept from the first run.
    try (Child second = startChild(dataDir, ports, 0)) {
      assertThat(totalRecords(ports[0])).isGreaterThanOrEqualTo(recordsBefore).isPositive();
      try (Admin admin = admin(ports[0])) {
        assertThat(
                admin
                    .describeTopics(List.of(RAW))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(RAW)
                    .partitions())
            .hasSize(8);
      }
      awaitRowCount(ports[1], "kept", 1);
      second.closeStdinAndAwaitExit();
    }
  }

  @Test
  void stopsAndStartsQuestDbOnCommandsOnItsStdinKeepingPortsAndData() throws Exception {
    int[] ports = FreePorts.loopback(3);
    try (Child child = startChild(dataDir, ports, 0)) {
      assertThat(
              questDbExec(
                      ports[1],
                      "CREATE TABLE kept (ts TIMESTAMP, v DOUBLE) TIMESTAMP(ts) PARTITION BY DAY WAL")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              questDbExec(ports[1], "INSERT INTO kept VALUES ('2026-01-01T00:00:00.000000Z', 42.0)")
                  .statusCode())
          .isEqualTo(200);
      awaitRowCount(ports[1], "kept", 1);

      assertThat(child.command("questdb stop")).isEqualTo("DEV-SERVERS QUESTDB STOPPED");
      assertThatThrownBy(() -> questDbExec(ports[1], "select 1")).isInstanceOf(IOException.class);
      assertThat(child.command("questdb start"))
          .isEqualTo("DEV-SERVERS QUESTDB STARTED http=" + ports[1] + " pg=" + ports[2]);
      awaitRowCount(ports[1], "kept", 1);
      assertThat(child.command("questdb dance"))
          .startsWith("DEV-SERVERS COMMAND FAILED: unknown command 'questdb dance'");

      child.closeStdinAndAwaitExit();
    }
  }

  private List<JsonNode> wellFormedReadings(List<ConsumerRecord<String, String>> records) {
    List<JsonNode> readings = new ArrayList<>();
    for (ConsumerRecord<String, String> record : records) {
      JsonNode reading;
      try {
        reading = json.readTree(record.value());
      } catch (IOException truncated) {
        continue;
      }
      if (reading.path("site_id").isTextual() && reading.path("value").isNumber()) {
        assertThat(record.key())
            .isEqualTo(
                reading.path("site_id").asText()
                    + ":"
                    + reading.path("asset_id").asText()
                    + ":"
                    + reading.path("sensor_id").asText());
        readings.add(reading);
      }
    }
    return readings;
  }

  private static Admin admin(int kafkaPort) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort));
  }

  /**
   * Reads {@code raw_telemetry} from the beginning until at least {@code atLeast} records arrived.
   */
  private static List<ConsumerRecord<String, String>> consume(int kafkaPort, int atLeast) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          IntStream.range(0, 8).mapToObj(p -> new TopicPartition(RAW, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (records.size() < atLeast && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertThat(records).as("records on %s after 30 s", RAW).hasSizeGreaterThanOrEqualTo(atLeast);
    return records;
  }

  private static long totalRecords(int kafkaPort) throws Exception {
    try (Admin admin = admin(kafkaPort)) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      IntStream.range(0, 8)
          .forEach(p -> latest.put(new TopicPartition(RAW, p), OffsetSpec.latest()));
      return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
          .mapToLong(info -> info.offset())
          .sum();
    }
  }

  private void awaitRowCount(int httpPort, String table, long expected) {
    // WAL tables apply inserts asynchronously.
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              HttpResponse<String> response = questDbExec(httpPort, "SELECT count() FROM " + table);
              assertThat(response.statusCode()).isEqualTo(200);
              assertThat(json.readTree(response.body()).path("dataset").path(0).path(0).asLong(-1))
                  .as("rows in QuestDB table %s", table)
                  .isEqualTo(expected);
            });
  }

  private static HttpResponse<String> questDbExec(int httpPort, String sql) throws Exception {
    String query = URLEncoder.encode(sql, StandardCharsets.UTF_8).replace("+", "%20");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/exec?query=" + query))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /**
   * The child JVM as dev mode starts it, its output in target/child-logs, once it printed its READY
   * line.
   */
  private static Child startChild(Path dataDir, int[] ports, int demoRate) throws IOException {
    List<String> command =
        List.of(
            ChildProcess.java(),
            "-Xmx768m",
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
            "-Ddev.kafka.port=" + ports[0],
            "-Ddev.questdb.http-port=" + ports[1],
            "-Ddev.questdb.pg-port=" + ports[2],
            "-Ddev.demo.rate=" + demoRate,
            "-cp",
            System.getProperty("java.class.path"),
            DevServersMain.class.getName(),
            dataDir.toString());
    ChildProcess child =
        ChildProcess.start(
            "dev-servers",
            command,
            Map.of(),
            Path.of("target", "child-logs", "dev-servers-" + ports[0] + ".log"),
            line -> line.startsWith(DevServersMain.READY));
    return new Child(child, child.awaitReady(READY_WAIT));
  }

  /** The running child and the READY line it printed. */
  private record Child(ChildProcess process, String readyLine) implements AutoCloseable {

    /** Writes a command line to the child's stdin and returns its answer line. */
    String command(String line) throws IOException {
      return process.ask(
          line,
          answer ->
              answer.startsWith(DevServersMain.QUESTDB_STOPPED)
                  || answer.startsWith(DevServersMain.QUESTDB_STARTED)
                  || answer.startsWith(DevServersMain.COMMAND_FAILED),
          Duration.ofSeconds(60));
    }

    /** What the service's death looks like to the child: its stdin pipe closes. */
    void closeStdinAndAwaitExit() throws Exception {
      long started = System.nanoTime();
      process.closeStdin();
      assertThat(process.process().waitFor(EXIT_WAIT.toSeconds(), TimeUnit.SECONDS))
          .as(
              "child exited within %s s of its stdin closing; last output:%n%s",
              EXIT_WAIT.toSeconds(), process.tail(40))
          .isTrue();
      assertThat(process.process().exitValue())
          .as("exit code; last output:%n%s", process.tail(40))
          .isZero();
      System.out.printf(
          "[dev-servers child] exited %d ms after its stdin closed%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public void close() throws InterruptedException {
      process.kill();
    }
  }
}
