package com.dcmms.telemetry.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.EmbeddedKafka;
import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.devinfra.SecuredListener;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security passes through configuration: the packaged service against a broker that only
 * speaks SASL_SSL (SCRAM-SHA-512, a certificate made for this test). With the right password
 * readings and a dead letter flow through the source and both sinks; with a wrong one the service
 * says so, stays alive but not ready, restarts the job at its fixed delay without flooding the log,
 * and never shows the password.
 */
@ExtendWith(RealServers.class)
class KafkaSecurityIT {
  private static final String USER = "telemetry";
  private static final String PASSWORD = "right" + UUID.randomUUID().toString().replace("-", "");
  private static final String WRONG = "wrong" + UUID.randomUUID().toString().replace("-", "");
  private static final String JAAS_KEY =
      "telemetry." + TelemetryJobOptions.KAFKA_PROPERTY_PREFIX + "sasl.jaas.config";

  /**
   * The product's fixed-delay restarts, with a shorter delay than its 30 s to keep the test short.
   */
  private static final Duration RESTART_DELAY = Duration.ofSeconds(10);

  private static final String OUR_FAILURE_LINE = "[com.dcmms.telemetry.host.flink.JobFailureLog]";
  private static final String KAFKA_ADMIN_METADATA =
      "[org.apache.kafka.clients.admin.internals.AdminMetadataManager]";

  /**
   * Quarkus echoes a DOWN probe (at most once per state, see RepeatedLogLines); not the job's
   * doing.
   */
  private static final String HEALTH_ECHO = "[io.smallrye.health]";

  private static final List<String> ENDPOINTS =
      List.of("/api/pipeline", "/api/checkpoints", "/q/health/ready", "/q/metrics");

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static SecuredListener listener;

  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @BeforeAll
  static void startSecuredBroker() {
    kafka = EmbeddedKafka.startSecured(dir.resolve("kafka"), USER, PASSWORD);
    listener = kafka.secured().orElseThrow();
  }

  @AfterAll
  static void stopSecuredBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void carriesReadingsAndDeadLettersWithTheRightCredentials() throws Exception {
    PipelineFixture fx = new PipelineFixture("secured", kafka);
    List<ProducerRecord<byte[], byte[]>> records =
        new ArrayList<>(fx.readings(0, 5, 1, base, "site-sec", "POWER"));
    String malformed = "{\"event_id\": \"broken\", \"timestamp\": ";
    records.add(fx.raw("bad", malformed));
    fx.produce(records);

    // The secrets come from the environment, as a Kubernetes Secret would give them: SmallRye
    // expands ${VAR} inside the values.
    Map<String, String> props = serviceProperties(fx, "secured");
    props.put(JAAS_KEY, SecuredListener.jaas(USER, "${KAFKA_PASSWORD}"));
    props.put(
        "telemetry." + TelemetryJobOptions.KAFKA_PROPERTY_PREFIX + "ssl.truststore.password",
        "${KAFKA_TRUSTSTORE_PASSWORD}");
    Map<String, String> env =
        Map.of(
            "KAFKA_PASSWORD", PASSWORD, "KAFKA_TRUSTSTORE_PASSWORD", listener.truststorePassword());

    try (ServiceProcess service = ServiceProcess.start("kafka-secured", props, env)) {
      awaitReady(service);
      // Rows, read-committed records, dead letters: reached, then unchanged for 3 s.
      Callable<List<Long>> counts =
          () ->
              List.of(
                  fx.questDb().count("SELECT count() FROM " + fx.table),
                  (long) fx.readCommitted(fx.validatedTopic).size(),
                  (long) fx.readCommitted(fx.deadLetterTopic).size());
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(counts, List.of(5L, 5L, 1L)::equals);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(500))
          .until(counts, List.of(5L, 5L, 1L)::equals);

      assertThat(
              fx.questDb()
                  .rows(
                      "SELECT event_id, site_id, sensor_id, value, quality_flag FROM "
                          + fx.table
                          + " ORDER BY event_id"))
          .containsExactly(
              List.of("s0-r0", "site-sec", "sensor-0", 100.0, "GOOD"),
              List.of("s0-r1", "site-sec", "sensor-0", 110.0, "GOOD"),
              List.of("s0-r2", "site-sec", "sensor-0", 100.0, "GOOD"),
              List.of("s0-r3", "site-sec", "sensor-0", 110.0, "GOOD"),
              List.of("s0-r4", "site-sec", "sensor-0", 100.0, "GOOD"));
      List<String> validated = new ArrayList<>();
      fx.readCommitted(fx.validatedTopic)
          .forEach(
              r -> {
                JsonNode json = PipelineFixture.parse(r.value());
                validated.add(
                    new String(r.key(), StandardCharsets.UTF_8)
                        + "="
                        + json.get("event_id").asText()
                        + "@"
                        + json.get("value").asDouble());
              });
      Collections.sort(validated);
      assertThat(validated)
          .containsExactly(
              "site-sec:asset-1:sensor-0=s0-r0@100.0",
              "site-sec:asset-1:sensor-0=s0-r1@110.0",
              "site-sec:asset-1:sensor-0=s0-r2@100.0",
              "site-sec:asset-1:sensor-0=s0-r3@110.0",
              "site-sec:asset-1:sensor-0=s0-r4@100.0");
      JsonNode deadLetter = fx.readCommittedJson(fx.deadLetterTopic).get(0);
      assertThat(deadLetter.get("error_code").asText()).isEqualTo("INVALID_JSON");
      assertThat(deadLetter.get("payload").asText()).isEqualTo(malformed);
      assertThat(deadLetter.get("source_topic").asText()).isEqualTo(fx.rawTopic);

      JsonNode pipeline = PipelineFixture.JSON.readTree(service.body("/api/pipeline"));
      assertThat(pipeline.get("restarts").asLong()).isZero();
      assertThat(pipeline.get("lastFailure").isNull()).isTrue();

      assertShowsNoSecret(service, PASSWORD, listener.truststorePassword());
      assertThat(service.terminate(15)).as("exits within 15 s after SIGTERM").isTrue();
      assertThat(service.printed("stopped with savepoint")).as(service.output()).isTrue();
    }
  }

  @Test
  void refusesAWrongPasswordClearlyWithoutFloodingTheLogOrShowingIt() throws Exception {
    PipelineFixture fx = new PipelineFixture("refused", kafka);
    fx.produce(fx.readings(0, 1, 1, base, "site-sec", "POWER"));
    Map<String, String> props = serviceProperties(fx, "refused");
    props.put(JAAS_KEY, SecuredListener.jaas(USER, WRONG));
    props.put("telemetry.restart.delay", RESTART_DELAY.toSeconds() + " s");
    String refused =
        "Kafka at "
            + kafka.bootstrapServers()
            + " refused the credentials (check "
            + "kafka.property.sasl.jaas.config and sasl.mechanism): SaslAuthenticationException: "
            + "Authentication failed during authentication due to invalid credentials with SASL "
            + "mechanism SCRAM-SHA-512";

    try (ServiceProcess service = ServiceProcess.start("kafka-refused", props)) {
      List<Integer> ready = new ArrayList<>();
      List<Integer> live = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> probe(service, ready, live) && refusals(service) == 1);
      long firstFailure = lastFailure(service).get("failedAt").asLong();
      int recordsAfterFirst = records(service).size();

      await()
          .atMost(RESTART_DELAY.plusSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> probe(service, ready, live) && refusals(service) == 2);
      JsonNode second = lastFailure(service);
      List<String> added = records(service).subList(recordsAfterFirst, records(service).size());

      assertThat(second.get("message").asText()).isEqualTo(refused);
      assertThat(second.get("failedAt").asLong() - firstFailure)
          .as("restart delay honoured")
          .isBetween(RESTART_DELAY.toMillis(), RESTART_DELAY.toMillis() + 15_000);
      // Flink counts every failure; an attempt fails at most twice (a task, then the source).
      assertThat(restarts(service)).as("restarts in two attempts").isBetween(2L, 4L);
      assertThat(ready).as("readiness at every probe").isNotEmpty().containsOnly(503);
      assertThat(live).as("liveness at every probe").hasSameSizeAs(ready).containsOnly(200);
      assertThat(
              ServiceProcess.check(service.body("/q/health/ready"), "telemetry-pipeline")
                  .at("/data/lastFailure")
                  .asText())
          .isEqualTo(refused);
      assertThat(service.output().lines().filter(l -> l.contains(OUR_FAILURE_LINE)))
          .as("one line of ours per attempt")
          .hasSize(2)
          .allMatch(
              l -> l.endsWith("failed and restarts in 10 s (at most 10 restarts): " + refused));
      // Kafka's own error is in the log too, once: its client's retries every second are held back.
      assertThat(
              service
                  .output()
                  .lines()
                  .filter(
                      l ->
                          l.contains(KAFKA_ADMIN_METADATA)
                              && l.contains("SaslAuthenticationException: Authentication failed")))
          .hasSize(1);
      // The first attempt logs Kafka's and Flink's errors; the second adds our line, and at most
      // two library records that the first did not have.
      assertThat(added.stream().filter(l -> l.contains(OUR_FAILURE_LINE))).hasSize(1);
      assertThat(
              added.stream().filter(l -> !l.contains(OUR_FAILURE_LINE) && !l.contains(HEALTH_ECHO)))
          .as("log records of Kafka and Flink at the second attempt")
          .hasSizeLessThanOrEqualTo(2);
      assertThat(service.output().lines().count()).as("log lines in all").isLessThanOrEqualTo(200);
      assertThat(fx.readCommitted(fx.validatedTopic)).isEmpty();
      assertShowsNoSecret(service, WRONG, listener.truststorePassword());
    }
  }

  private Map<String, String> serviceProperties(PipelineFixture fx, String name) {
    Map<String, String> props = new HashMap<>();
    fx.options(dir.resolve(name + "-checkpoints"))
        .asMap()
        .forEach((k, v) -> props.put("telemetry." + k, v));
    props.put("telemetry.service.work-dir", dir.resolve(name + "-work").toString());
    props.put("telemetry.service.readiness.max-checkpoint-age", "30s");
    return props;
  }

  /** One look at readiness and liveness once the service answers; false while it does not. */
  private static boolean probe(ServiceProcess service, List<Integer> ready, List<Integer> live) {
    assertThat(service.process().isAlive()).as("service alive:\n%s", service.output()).isTrue();
    int readiness = service.get("/q/health/ready");
    if (readiness < 0) {
      return false;
    }
    ready.add(readiness);
    live.add(service.get("/q/health/live"));
    return true;
  }

  private static long restarts(ServiceProcess service) throws Exception {
    return PipelineFixture.JSON.readTree(service.body("/api/pipeline")).get("restarts").asLong();
  }

  /** Our lines saying that Kafka refused the credentials. */
  private static long refusals(ServiceProcess service) {
    return service
        .output()
        .lines()
        .filter(l -> l.contains(OUR_FAILURE_LINE) && l.contains("refused the credentials"))
        .count();
  }

  /** The log's records (a line starting with a date), without their stack traces. */
  private static List<String> records(ServiceProcess service) {
    return service.output().lines().filter(l -> l.matches("^\\d{4}-\\d{2}-\\d{2} .*")).toList();
  }

  private static JsonNode lastFailure(ServiceProcess service) throws Exception {
    return PipelineFixture.JSON.readTree(service.body("/api/pipeline")).get("lastFailure");
  }

  private static void assertShowsNoSecret(ServiceProcess service, String... secrets)
      throws Exception {
    for (String path : ENDPOINTS) {
      assertThat(service.body(path)).as(path).isNotEmpty().doesNotContain(secrets);
    }
    assertThat(service.output()).as("service log").isNotEmpty().doesNotContain(secrets);
  }

  private static void awaitReady(ServiceProcess service) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              assertThat(service.process().isAlive())
                  .as("service alive:\n%s", service.output())
                  .isTrue();
              return service.get("/q/health/ready") == 200;
            });
  }
}
