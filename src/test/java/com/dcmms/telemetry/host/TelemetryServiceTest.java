package com.dcmms.telemetry.host;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The service in-process against real Kafka and QuestDB: the job runs, checkpoints, reports itself
 * healthy, counts traffic in Flink's metrics, and guards its control operations.
 */
@QuarkusTest
@QuarkusTestResource(value = RealServersResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TelemetryServiceTest {
  private static final int VALID = 50;

  @jakarta.inject.Inject com.dcmms.telemetry.host.flink.EmbeddedFlink flink;

  @Test
  @Order(0)
  void kafkaCompressesWithTheLz4TheServiceChose() {
    // Kafka's sinks take LZ4Factory.fastestInstance(). Asked first, before this test loads
    // anything: it is the JNI one only if the service loaded it, and the Java one where this
    // platform has no native build, which is what the service then chooses too.
    String kafkaUses = net.jpountz.lz4.LZ4Factory.fastestInstance().toString();
    assertThat(kafkaUses).isEqualTo(com.dcmms.telemetry.host.flink.EmbeddedFlink.preferNativeLz4());
  }

  @Test
  @Order(0)
  void startsTheMiniClusterSoThatItSeesTheApplicationAndCollidesWithNothing() throws Exception {
    var config = flink.clusterConfiguration().toMap();
    // The user-code class loader sees the job only through the application's code location.
    assertThat(flink.jobClasspath())
        .containsExactly(
            com.dcmms.telemetry.job.TelemetryJob.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation());
    assertThat(config).containsEntry("classloader.resolve-order", "child-first");
    // Flink's REST endpoint: loopback, and never Quarkus's port.
    assertThat(config).containsEntry("rest.bind-address", "127.0.0.1");
    assertThat(config.get("rest.port"))
        .isNotEqualTo(
            org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.http.test-port", String.class));
    assertThat(config)
        .containsEntry("web.submit.enable", "false")
        .containsEntry("web.cancel.enable", "false");
    // The service keeps its state on the heap, and no RocksDB settings for a backend it does not
    // run.
    assertThat(config)
        .containsEntry("state.backend.type", "hashmap")
        .doesNotContainKey("state.backend.rocksdb.writebuffer.size");
    assertThat(flink.options().stateBackend()).isEqualTo("hashmap");
    // telemetry.flink.* passes through.
    assertThat(config).containsEntry("taskmanager.memory.managed.size", "200m");
    // The service's Flink temporary directory was cleaned at start.
    java.nio.file.Path tmp = java.nio.file.Path.of(config.get("io.tmp.dirs"));
    assertThat(tmp).exists();
    assertThat(tmp.resolve("stale-from-earlier-run")).doesNotExist();
  }

  @Test
  @Order(1)
  void becomesReadyOnceTheJobRunsAndCheckpoints() throws Exception {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("UP")));
    given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    JsonPath pipeline = given().get("/api/pipeline").then().statusCode(200).extract().jsonPath();
    assertThat(pipeline.getString("state")).isEqualTo("RUNNING");
    assertThat(pipeline.getInt("parallelism")).isEqualTo(2);
    assertThat(pipeline.getString("jobId")).hasSize(32);
    // Which build this is: the project's version and the commit it was built from.
    assertThat(pipeline.getString("version"))
        .isEqualTo(
            org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.application.version", String.class));
    assertThat(pipeline.getString("commit")).isEqualTo(headCommit());
    given()
        .get("/q/info")
        .then()
        .statusCode(200)
        .body("git.commit.id", equalTo(headCommit()))
        .body("build.version", equalTo(pipeline.getString("version")));
  }

  @Test
  @Order(2)
  void reportsCompletedCheckpoints() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonPath cp =
                  given().get("/api/checkpoints").then().statusCode(200).extract().jsonPath();
              assertThat(cp.getLong("completed")).isGreaterThanOrEqualTo(1);
              assertThat(cp.getLong("latest.id")).isPositive();
              assertThat(cp.getLong("latest.completedAt")).isPositive();
              assertThat(cp.getLong("latest.durationMs")).isNotNegative();
              assertThat(cp.getLong("latest.stateSizeBytes")).isPositive();
            });
  }

  @Test
  @Order(2)
  void listsTheRecentCompletedCheckpointsNewestFirst() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonPath cp =
                  given().get("/api/checkpoints").then().statusCode(200).extract().jsonPath();
              java.util.List<Long> ids = cp.getList("recent.id", Long.class);
              assertThat(ids)
                  .hasSizeGreaterThanOrEqualTo(2)
                  .isSortedAccordingTo(java.util.Comparator.reverseOrder());
              // The newest is the latest completed; the rest are what a client sampling now and
              // then misses.
              assertThat(ids.get(0)).isEqualTo(cp.getLong("latest.id"));
              assertThat(cp.getLong("recent[0].durationMs"))
                  .isEqualTo(cp.getLong("latest.durationMs"));
              assertThat(cp.getLong("recent[0].completedAt"))
                  .isEqualTo(cp.getLong("latest.completedAt"));
              assertThat(cp.getList("recent.durationMs", Long.class))
                  .allSatisfy(d -> assertThat(d).isNotNegative());
              assertThat(cp.getList("recent.stateSizeBytes", Long.class))
                  .allSatisfy(b -> assertThat(b).isPositive());
              assertThat(cp.getList("recent.completedAt", Long.class))
                  .allSatisfy(t -> assertThat(t).isPositive());
            });
  }

  @Test
  @Order(3)
  void exportsFlinkAndPipelineMetricsAfterTraffic() throws Exception {
    String before = metrics();
    long storedBefore = stored();
    sendValidAndOneMalformed();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              String metrics = metrics();
              assertThat(
                      delta(
                          before, metrics, "flink_taskmanager_job_task_operator_telemetryAccepted"))
                  .isEqualTo(VALID);
              assertThat(
                      delta(
                          before, metrics, "flink_taskmanager_job_task_operator_telemetryEmitted"))
                  .isEqualTo(VALID);
              assertThat(
                      delta(
                          before,
                          metrics,
                          "flink_taskmanager_job_task_operator_reason_telemetryRejected{"))
                  .isEqualTo(1);
              assertThat(metrics).contains("reason=\"INVALID_JSON\"");
              assertThat(
                      delta(
                          before,
                          metrics,
                          "flink_taskmanager_job_task_operator_questdbRowsWritten"))
                  .isEqualTo(VALID);
              assertThat(metrics).contains("flink_jobmanager_job_lastCheckpointDuration");
              assertThat(metrics)
                  .contains("flink_taskmanager_job_task_operator_numRecordsInPerSecond");
              assertThat(metrics).doesNotContain("tm_id=").doesNotContain("task_attempt_id=");
            });
    // The WAL table applies committed rows asynchronously.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(stored()).isEqualTo(storedBefore + VALID));
  }

  @Test
  @Order(4)
  void everyMetricTheDashboardAndTheAlertsQueryIsInTheScrape() throws Exception {
    String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
    // Kept for whoever edits the dashboard next: what the service really exposes.
    java.nio.file.Path copy = java.nio.file.Path.of("target", "monitoring", "service-scrape.txt");
    java.nio.file.Files.createDirectories(copy.getParent());
    java.nio.file.Files.writeString(copy, scrape);

    assertThat(com.dcmms.telemetry.monitoring.MonitoringFiles.missingFrom(scrape))
        .as("metrics the dashboard or the alerts query that /q/metrics lacks (scrape in %s)", copy)
        .isEmpty();
    // Flink's histograms are summaries, as its Prometheus reporter types them.
    assertThat(scrape)
        .contains("# TYPE flink_taskmanager_job_task_mailboxLatencyMs summary")
        .containsPattern("flink_taskmanager_job_task_mailboxLatencyMs_count\\{[^}]*} ")
        .doesNotContain("# TYPE flink_taskmanager_job_task_mailboxLatencyMs gauge");
  }

  @Test
  @Order(4)
  void theMonitorReadsTheServicesThroughputCheckpointsAndBackpressure() throws Exception {
    int port =
        org.eclipse.microprofile.config.ConfigProvider.getConfig()
            .getValue("quarkus.http.test-port", Integer.class);
    var source =
        new com.dcmms.telemetry.tools.monitor.ServiceSource(
            new com.dcmms.telemetry.tools.monitor.Http(), "http://localhost:" + port);
    var before = source.sample();
    sendValidAndOneMalformed();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var sample = source.sample();
              assertThat(sample.recordsIn() - before.recordsIn()).isEqualTo(VALID + 1);
              assertThat(sample.recordsOut() - before.recordsOut()).isEqualTo(VALID);
            });
    var sample = source.sample();
    assertThat(sample.state()).isEqualTo("RUNNING");
    assertThat(sample.checkpointDurationMs()).isNotNegative();
    assertThat(sample.slotsTotal()).isEqualTo(2);
    assertThat(sample.taskManagers()).isEqualTo(1);
    assertThat(sample.backpressure())
        .isNotEmpty()
        .allSatisfy((task, ratio) -> assertThat(ratio).isBetween(0.0, 1.0));
    // Each subtask's accumulated back-pressured time: the benchmark judges a phase by it.
    assertThat(sample.backpressuredMs())
        .isNotEmpty()
        .allSatisfy((subtask, ms) -> assertThat(ms).isNotNegative())
        .satisfies(m -> assertThat(m.keySet()).anyMatch(k -> k.endsWith("#1")));
    String report =
        new com.dcmms.telemetry.tools.monitor.PipelineMonitor(source, 10_000, System.out)
            .report(sample, sample);
    assertThat(report).contains("job RUNNING").contains("score").contains("backpressure");
  }

  @Test
  @Order(5)
  void controlOperationsNeedTheOperatorRole() {
    given().post("/api/pipeline/savepoint").then().statusCode(401);
    given()
        .auth()
        .preemptive()
        .basic("operator", "wrong")
        .post("/api/pipeline/savepoint")
        .then()
        .statusCode(401);
    given()
        .auth()
        .preemptive()
        .basic("viewer", "test-viewer-secret")
        .post("/api/pipeline/savepoint")
        .then()
        .statusCode(403);
    String path =
        given()
            .auth()
            .preemptive()
            .basic("operator", "test-operator-secret")
            .post("/api/pipeline/savepoint")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getString("savepoint");
    assertThat(path).contains("savepoint-");
    assertThat(given().get("/api/pipeline").then().extract().jsonPath().getString("state"))
        .isEqualTo("RUNNING");
    assertThat(given().get("/api/pipeline").then().extract().asString())
        .doesNotContain("test-operator-secret");
  }

  @Test
  @Order(6)
  void servesFlinksWebUiOnLoopbackWithoutJobSubmission() throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + RealServersResource.webUiPort;
    var index =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.body()).containsIgnoringCase("<html");
    var overview =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/config")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(overview.body()).contains("\"web-submit\":false").contains("\"web-cancel\":false");
    var upload =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/jars/upload"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(upload.statusCode()).isIn(404, 405);
  }

  /** VALID readings of new sensors, now, and one record that is not JSON. */
  private static void sendValidAndOneMalformed() {
    long now = System.currentTimeMillis();
    String run = UUID.randomUUID().toString().substring(0, 8);
    Properties p = new Properties();
    p.put("bootstrap.servers", RealServersResource.kafka.bootstrapServers());
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < VALID; i++) {
        String sensor = "t-" + run + "-" + i;
        producer.send(
            new ProducerRecord<>(
                "raw_telemetry",
                "s-1:a-1:" + sensor,
                "{\"event_id\":\""
                    + UUID.randomUUID()
                    + "\",\"timestamp\":"
                    + now
                    + ",\"site_id\":\"s-1\",\"asset_id\":"
                    + "\"a-1\",\"sensor_id\":\""
                    + sensor
                    + "\",\"sensor_type\":\"TEMPERATURE\",\"value\":21.5,"
                    + "\"unit\":\"C\"}"));
      }
      producer.send(new ProducerRecord<>("raw_telemetry", "bad", "{not json"));
      producer.flush();
    }
  }

  private static String headCommit() throws java.io.IOException, InterruptedException {
    Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
    String out =
        new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .trim();
    assertThat(git.waitFor()).as("git rev-parse HEAD: %s", out).isZero();
    return out;
  }

  /** Rows in sensor_readings; the sink creates the table with its first rows. */
  private static long stored() {
    var questDb = RealServersResource.questDb;
    return questDb.count("SELECT count() FROM tables() WHERE table_name = 'sensor_readings'") == 0
        ? 0
        : questDb.count("SELECT count() FROM sensor_readings");
  }

  private static String metrics() {
    return given().get("/q/metrics").then().statusCode(200).extract().asString();
  }

  /** How much the series of {@code name} grew from one scrape to the next. */
  private static double delta(String before, String after, String name) {
    return sum(after, name) - sum(before, name);
  }

  /** Sums the values of every series whose line starts with the given name. */
  static double sum(String metrics, String name) {
    return metrics
        .lines()
        .filter(
            l ->
                l.startsWith(name)
                    && (name.endsWith("{") || l.startsWith(name + "{") || l.startsWith(name + " ")))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
