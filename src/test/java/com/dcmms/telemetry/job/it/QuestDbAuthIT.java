package com.dcmms.telemetry.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.EmbeddedQuestDb;
import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.host.flink.SnapshotFinder;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.questdb.QuestDbCredentialsRejected;
import com.dcmms.telemetry.job.questdb.QuestDbSettings;
import com.dcmms.telemetry.job.questdb.QuestDbTable;
import io.questdb.client.Sender;
import io.questdb.client.cutlass.line.LineSenderException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a QuestDB server of its own that asks for HTTP basic credentials: with the right
 * ones it creates the table and stores exactly the readings; with a wrong password or a bearer
 * token it fails at once, saying which options to check and never showing the secret; restarted
 * from its snapshot with the right password, it loses nothing.
 */
@ExtendWith(RealServers.class)
class QuestDbAuthIT {
  private static final String USER = "ingest";
  private static final String PASSWORD = "qdb-right-" + UUID.randomUUID();
  private static final int SENSORS = 5;
  private static final JobMetrics METRICS = new JobMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      PipelineFixture.miniCluster(1, 2, METRICS.configuration());

  @TempDir static Path serverRoot;

  private static EmbeddedQuestDb questDb;

  @TempDir Path dir;

  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @BeforeAll
  static void startQuestDbWithAuthentication() {
    questDb = EmbeddedQuestDb.startWithBasicAuth(serverRoot.resolve("questdb"), USER, PASSWORD);
  }

  @AfterAll
  static void stopQuestDb() {
    if (questDb != null) {
      questDb.close();
    }
  }

  @Test
  void theServerAsksForTheCredentialsOnSqlAndOnIlp() throws Exception {
    QuestDbSettings anonymous =
        new QuestDbSettings(
            questDb.host(),
            questDb.httpPort(),
            "t",
            10,
            Duration.ofSeconds(1),
            Duration.ZERO,
            "",
            "",
            "");
    assertThatThrownBy(() -> QuestDbTable.exec(anonymous, "SELECT 1"))
        .isInstanceOf(QuestDbCredentialsRejected.class)
        .hasMessage(
            "QuestDB at "
                + address()
                + " asks for credentials (HTTP 401): set "
                + "questdb.username and questdb.password (or questdb.token for QuestDB Enterprise)");

    try (Sender wrong =
        Sender.builder(Sender.Transport.HTTP)
            .address(address())
            .httpUsernamePassword(USER, "wrong")
            .retryTimeoutMillis(0)
            .build()) {
      wrong.table("ilp_probe").longColumn("x", 1).atNow();
      assertThatThrownBy(wrong::flush)
          .isInstanceOf(LineSenderException.class)
          .hasMessage(
              "Could not flush buffer: HTTP endpoint authentication error: Unauthorized\r\n"
                  + " [http-status=401]");
      wrong.reset();
    }
    try (Sender right = Sender.fromConfig(questDb.ilpHttpConfig())) {
      right.table("ilp_probe").longColumn("x", 2).atNow();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> questDb.count("SELECT count() FROM ilp_probe") == 1);
    assertThat(questDb.rows("SELECT x FROM ilp_probe")).containsExactly(List.of(2));
  }

  @Test
  void storesWithTheRightPasswordFailsClearlyWithAWrongOneAndLosesNothingOnceItIsRightAgain()
      throws Exception {
    PipelineFixture fx = new PipelineFixture("auth", questDb);
    String checkpoints = dir.resolve("checkpoints").toUri().toString();
    String savepoints = dir.resolve("savepoints").toUri().toString();
    TelemetryJobOptions right = fx.options(dir.resolve("checkpoints"));

    // Right credentials: the job creates the table and stores exactly the readings.
    fx.produce(fx.readings(0, 5, SENSORS, base, "site-a", "VOLTAGE"));
    JobClient first = PipelineFixture.start(right);
    TelemetryJobIT.awaitExactly(
        () -> fx.questDb().count("SELECT count() FROM " + fx.table), SENSORS * 5);
    String savepoint =
        first
            .stopWithSavepoint(false, savepoints, SavepointFormatType.CANONICAL)
            .get(60, TimeUnit.SECONDS);

    // A wrong password: the job fails at once (no retries), the error says what to check, and
    // neither the password nor its Basic header is in the job's exception chain.
    String wrongPassword = "qdb-wrong-" + UUID.randomUUID();
    fx.produce(fx.readings(5, 10, SENSORS, base, "site-a", "VOLTAGE"));
    JobClient second =
        PipelineFixture.start(
            right.with(Map.of("questdb.password", wrongPassword, "restart.attempts", "0")),
            savepoint);
    Throwable failure = failureOf(second);
    assertThat(messages(failure))
        .contains(
            "QuestDB at "
                + address()
                + " refused the credentials "
                + "of user 'ingest' (HTTP 401): check questdb.username and questdb.password");
    assertThat(stackTrace(failure))
        .doesNotContain(wrongPassword)
        .doesNotContain(basic(wrongPassword))
        .doesNotContain(PASSWORD);
    assertThat(METRICS.sum(second.getJobID(), "questdbRetries")).isZero();
    assertThat(fx.questDb().count("SELECT count() FROM " + fx.table)).isEqualTo(SENSORS * 5);

    // The right password again, from the newest snapshot (as the service restarts): every reading
    // exactly once in QuestDB and in validated_telemetry.
    String newest = SnapshotFinder.newest(checkpoints, savepoints).orElseThrow().toUri().toString();
    JobClient third = PipelineFixture.start(right, newest);
    try {
      TelemetryJobIT.awaitExactly(
          () -> fx.questDb().count("SELECT count() FROM " + fx.table), SENSORS * 10);
      assertThat(fx.questDb().count("SELECT count_distinct(event_id) FROM " + fx.table))
          .isEqualTo(SENSORS * 10);
      TelemetryJobIT.awaitExactly(
          () -> (long) fx.readCommitted(fx.validatedTopic).size(), SENSORS * 10);
    } finally {
      third.cancel().get();
    }
  }

  @Test
  void aBearerTokenIsRefusedByOpenSourceQuestDbWithAMessageNamingTheTokenOption() throws Exception {
    PipelineFixture fx = new PipelineFixture("token", questDb);
    String token = "qdb-token-" + UUID.randomUUID();
    fx.produce(fx.readings(0, 1, 1, base, "site-t", "VOLTAGE"));
    JobClient job =
        PipelineFixture.start(
            fx.options(dir.resolve("checkpoints"))
                .with(
                    Map.of(
                        "questdb.username",
                        "",
                        "questdb.password",
                        "",
                        "questdb.token",
                        token,
                        "restart.attempts",
                        "0")));

    Throwable failure = failureOf(job);
    assertThat(messages(failure))
        .contains(
            "QuestDB at "
                + address()
                + " refused the bearer token "
                + "(HTTP 401): check questdb.token; open-source QuestDB checks no tokens (QuestDB "
                + "Enterprise does), it takes questdb.username and questdb.password");
    assertThat(stackTrace(failure)).doesNotContain(token);
  }

  /** Waits for the job to fail and returns what its client reports. */
  private static Throwable failureOf(JobClient job) throws Exception {
    Throwable failure =
        job.getJobExecutionResult().handle((result, error) -> error).get(60, TimeUnit.SECONDS);
    assertThat(failure).as("the job should have failed").isNotNull();
    return failure;
  }

  private static List<String> messages(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null && messages.size() < 20; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    return messages;
  }

  private static String stackTrace(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  private static String basic(String password) {
    return Base64.getEncoder()
        .encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static String address() {
    return questDb.host() + ":" + questDb.httpPort();
  }
}
