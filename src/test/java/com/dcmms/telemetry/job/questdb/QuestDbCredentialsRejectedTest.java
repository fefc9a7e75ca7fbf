package com.dcmms.telemetry.job.questdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.questdb.client.cutlass.line.LineSenderException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What the user reads when QuestDB refuses the sink's credentials; QuestDbAuthIT shows it on a real
 * server.
 */
class QuestDbCredentialsRejectedTest {
  // The questdb-client's message for a 401 answer to an ILP flush (QuestDbAuthIT asserts it).
  private static final String ILP_401 =
      "Could not flush buffer: HTTP endpoint authentication error: Unauthorized\r\n [http-status=401]";

  @Test
  void namesTheUserAndTheOptionsToCheckButNeverThePassword() {
    QuestDbCredentialsRejected e =
        QuestDbCredentialsRejected.of(settings("ingest", "pw-123", ""), 401);

    assertThat(e)
        .hasMessage(
            "QuestDB at db:9000 refused the credentials of user 'ingest' (HTTP 401): "
                + "check questdb.username and questdb.password");
    assertThat(e.getMessage()).doesNotContain("pw-123");
  }

  @Test
  void saysThatOpenSourceQuestDbChecksNoTokens() {
    QuestDbCredentialsRejected e = QuestDbCredentialsRejected.of(settings("", "", "tok-123"), 401);

    assertThat(e)
        .hasMessage(
            "QuestDB at db:9000 refused the bearer token (HTTP 401): check "
                + "questdb.token; open-source QuestDB checks no tokens (QuestDB Enterprise does), it takes "
                + "questdb.username and questdb.password");
  }

  @Test
  void withoutCredentialsSaysWhichOptionsToSet() {
    assertThat(QuestDbCredentialsRejected.of(settings("", "", ""), 403))
        .hasMessage(
            "QuestDB at "
                + "db:9000 asks for credentials (HTTP 403): set questdb.username and questdb.password (or "
                + "questdb.token for QuestDB Enterprise)");
  }

  @Test
  void takesTheStatusOfAnIlpFlushFromTheClientsMessage() {
    LineSenderException ilp = new LineSenderException(ILP_401);

    assertThat(QuestDbCredentialsRejected.isAuthenticationError(ilp)).isTrue();
    assertThat(
            QuestDbCredentialsRejected.isAuthenticationError(
                new LineSenderException("Could not flush buffer: connection refused")))
        .isFalse();
    assertThat(QuestDbCredentialsRejected.of(settings("ingest", "pw", ""), ilp))
        .hasMessage(
            "QuestDB at db:9000 refused the credentials of user 'ingest' (HTTP 401 on ILP): "
                + "check questdb.username and questdb.password")
        .hasCause(ilp);
  }

  private static QuestDbSettings settings(String user, String password, String token) {
    return new QuestDbSettings(
        "db", 9000, "t", 10, Duration.ofSeconds(1), Duration.ofSeconds(1), user, password, token);
  }
}
