package com.dcmms.telemetry.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.EmbeddedQuestDb;
import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.it.PipelineFixture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service keeps its secrets: with distinctive passwords for the operator, the viewer
 * and QuestDB (a server of its own that asks for credentials) and secret Flink and Kafka settings,
 * through traffic, a savepoint and a run with a wrong QuestDB password, no password and no HTTP
 * Basic form of one appears in the service's log or in what its endpoints answer. Read endpoints
 * can be closed by configuration.
 */
@ExtendWith(RealServers.class)
class ServiceSecretsIT {
  private static final String QUESTDB_USER = "ingest";
  private static final int SENSORS = 5;
  private static final List<String> READ_ENDPOINTS =
      List.of(
          "/api/pipeline",
          "/api/checkpoints",
          "/q/metrics",
          "/q/health",
          "/q/health/live",
          "/q/health/ready");

  @TempDir Path dir;

  private final String operatorPassword = "op-pw-" + UUID.randomUUID();
  private final String viewerPassword = "viewer-pw-" + UUID.randomUUID();
  private final String questDbPassword = "qdb-pw-" + UUID.randomUUID();
  private final String wrongQuestDbPassword = "qdb-wrong-" + UUID.randomUUID();

  /** A secret Flink setting passed through telemetry.flink.*, and a Kafka client's. */
  private final String flinkSecret = "flink-secret-" + UUID.randomUUID();

  private final String kafkaSecret = "kafka-key-pw-" + UUID.randomUUID();
  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  /** Every log and answer body the service produced, by where it came from. */
  private final Map<String, String> seen = new LinkedHashMap<>();

  @Test
  void noSecretInTheLogOrTheAnswersAfterTrafficASavepointAndAWrongQuestDbPassword()
      throws Exception {
    try (EmbeddedQuestDb questDb =
        EmbeddedQuestDb.startWithBasicAuth(dir.resolve("questdb"), QUESTDB_USER, questDbPassword)) {
      PipelineFixture fx = new PipelineFixture("secrets", questDb);
      Map<String, String> props = new HashMap<>();
      // Secrets go by environment, as in a deployment; the rest as system properties.
      fx.options(dir.resolve("checkpoints"))
          .asMap()
          .forEach(
              (k, v) -> {
                if (!k.startsWith("questdb.username") && !TelemetryJobOptions.isSecret(k)) {
                  props.put("telemetry." + k, v);
                }
              });
      props.put("telemetry.service.work-dir", dir.resolve("work").toString());
      props.put("telemetry.service.readiness.max-checkpoint-age", "30s");
      props.put("telemetry.restart.attempts", "1");
      fx.produce(fx.readings(0, 10, SENSORS, base, "site-s", "POWER"));

      runWithAWrongQuestDbPassword(props);
      runWithProtectedReadEndpoints(props, fx);

      // Each secret, and for passwords the Authorization header value that carries them.
      Map<String, String> secrets = new LinkedHashMap<>();
      secrets.put("operator password", operatorPassword);
      secrets.put("operator Basic", basic("operator", operatorPassword));
      secrets.put("viewer password", viewerPassword);
      secrets.put("viewer Basic", basic("viewer", viewerPassword));
      secrets.put("QuestDB password", questDbPassword);
      secrets.put("QuestDB Basic", basic(QUESTDB_USER, questDbPassword));
      secrets.put("wrong QuestDB password", wrongQuestDbPassword);
      secrets.put("wrong QuestDB Basic", basic(QUESTDB_USER, wrongQuestDbPassword));
      secrets.put("telemetry.flink.s3.secret-key", flinkSecret);
      secrets.put("kafka.property.ssl.key.password", kafkaSecret);
      secrets.forEach(
          (what, secret) ->
              seen.forEach(
                  (where, text) ->
                      assertThat(text)
                          .as("%s must not show the %s", where, what)
                          .doesNotContain(secret)));
    }
  }

  /** The job fails at once; the log says what to check. Read endpoints are open by default. */
  private void runWithAWrongQuestDbPassword(Map<String, String> props) throws Exception {
    try (ServiceProcess service =
        ServiceProcess.start(
            "secrets-wrong-questdb-password",
            props,
            Map.of(
                "TELEMETRY_OPERATOR_PASSWORD",
                operatorPassword,
                "TELEMETRY_QUESTDB_USERNAME",
                QUESTDB_USER,
                "TELEMETRY_QUESTDB_PASSWORD",
                wrongQuestDbPassword))) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  alive(service)
                      && service.get("/api/pipeline") == 200
                      && service.body("/api/pipeline").contains("\"state\":\"FAILED\""));
      for (String path : READ_ENDPOINTS) {
        HttpResponse<String> answer = service.send("GET", path, null, null);
        seen.put("wrong password run: " + path, answer.body());
      }
      assertThat(service.send("GET", "/api/pipeline", null, null).statusCode()).isEqualTo(200);
      assertThat(service.terminate(30)).as("exits after SIGTERM").isTrue();
      assertThat(service.output())
          .contains(
              "QuestDB at 127.0.0.1:"
                  + props.get("telemetry.questdb.http-port")
                  + " refused the credentials of user 'ingest' (HTTP 401): check questdb.username and questdb.password");
      seen.put("wrong password run: log", service.output());
    }
  }

  /**
   * The right password, read endpoints closed to anonymous callers: the readings arrive (from the
   * newest snapshot, so the failed run cost nothing), health stays open, control needs the
   * operator.
   */
  private void runWithProtectedReadEndpoints(Map<String, String> given, PipelineFixture fx)
      throws Exception {
    Map<String, String> props = new HashMap<>(given);
    // Flink and Kafka log their configurations at INFO: search those lines too.
    props.put("quarkus.log.category.\"org.apache.flink\".level", "INFO");
    props.put("quarkus.log.category.\"org.apache.kafka\".level", "INFO");
    props.put("telemetry.flink.s3.secret-key", flinkSecret);
    // Unused on the plaintext test broker, but in every Kafka client's configuration.
    props.put("telemetry.kafka.property.ssl.key.password", kafkaSecret);
    try (ServiceProcess service =
        ServiceProcess.start(
            "secrets-service",
            props,
            Map.of(
                "TELEMETRY_OPERATOR_PASSWORD",
                operatorPassword,
                "TELEMETRY_VIEWER_PASSWORD",
                viewerPassword,
                "TELEMETRY_PROTECT_READ_ENDPOINTS",
                "true",
                "TELEMETRY_QUESTDB_USERNAME",
                QUESTDB_USER,
                "TELEMETRY_QUESTDB_PASSWORD",
                questDbPassword))) {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> alive(service) && service.get("/q/health/ready") == 200);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> fx.questDb().count("SELECT count() FROM " + fx.table) == SENSORS * 10);

      for (String path : List.of("/api/pipeline", "/api/checkpoints", "/q/metrics")) {
        assertThat(status(service, "GET", path, null, null)).as("anonymous " + path).isEqualTo(401);
        assertThat(status(service, "GET", path, "viewer", "wrong"))
            .as("wrong password " + path)
            .isEqualTo(401);
        assertThat(status(service, "GET", path, "operator", operatorPassword))
            .as("operator " + path)
            .isEqualTo(200);
        assertThat(status(service, "GET", path, "viewer", viewerPassword))
            .as("viewer " + path)
            .isEqualTo(200);
      }
      for (String path : List.of("/q/health/live", "/q/health/ready")) {
        assertThat(status(service, "GET", path, null, null)).as("anonymous " + path).isEqualTo(200);
      }
      assertThat(status(service, "POST", "/api/pipeline/savepoint", null, null)).isEqualTo(401);
      assertThat(status(service, "POST", "/api/pipeline/savepoint", "viewer", viewerPassword))
          .isEqualTo(403);
      HttpResponse<String> savepoint =
          service.send("POST", "/api/pipeline/savepoint", "operator", operatorPassword);
      assertThat(savepoint.statusCode()).isEqualTo(200);
      assertThat(savepoint.body()).contains("savepoint-");
      seen.put("savepoint answer", savepoint.body());

      for (String path : READ_ENDPOINTS) {
        seen.put(
            "protected run: " + path, service.send("GET", path, "viewer", viewerPassword).body());
      }
      assertThat(seen.get("protected run: /q/metrics"))
          .contains("flink_taskmanager_job_task_operator_questdbRowsWritten");
      assertThat(service.terminate(30)).as("exits after SIGTERM").isTrue();
      assertThat(service.output()).contains("stopped with savepoint");
      seen.put("protected run: log", service.output());
    }
    assertThat(fx.questDb().count("SELECT count_distinct(event_id) FROM " + fx.table))
        .isEqualTo(SENSORS * 10);
  }

  private static int status(
      ServiceProcess service, String method, String path, String user, String password)
      throws Exception {
    return service.send(method, path, user, password).statusCode();
  }

  private static boolean alive(ServiceProcess service) {
    if (!service.process().isAlive()) {
      throw new AssertionError("service exited:\n" + service.output());
    }
    return true;
  }

  private static String basic(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
