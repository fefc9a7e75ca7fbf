package com.dcmms.telemetry.host.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class RepeatedLogLinesTest {
  private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
  private static final String TASK = "org.apache.flink.runtime.taskmanager.Task";

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final RepeatedLogLines filter = new RepeatedLogLines(now::get);

  @Test
  void holdsBackALibraryLineThatDiffersOnlyInNumbersAndIds() {
    assertThat(
            passes(
                NETWORK_CLIENT,
                "[Producer clientId=tx-3fa9c2d1] Connection to node -1 "
                    + "(127.0.0.1:34799) failed authentication"))
        .isTrue();
    now.addAndGet(1_400);
    assertThat(
            passes(
                NETWORK_CLIENT,
                "[Producer clientId=tx-3fa9c2d1] Connection to node -1 "
                    + "(127.0.0.1:34799) failed authentication"))
        .isFalse();
    assertThat(
            passes(
                NETWORK_CLIENT,
                "[Producer clientId=tx-77be0a12] Connection to node -1 "
                    + "(127.0.0.1:41001) failed authentication"))
        .isFalse();
  }

  @Test
  void holdsBackTheSameLineOfAnotherClientOfTheSameKind() {
    String admin = "org.apache.kafka.clients.admin.internals.AdminMetadataManager";
    assertThat(
            passes(
                admin,
                "[AdminClient clientId=group-refused_aa390a54-enumerator-admin-client] "
                    + "Fatal error during metadata update"))
        .isTrue();
    assertThat(
            passes(
                admin,
                "[AdminClient clientId=tx-refused_aa390a54-validated] "
                    + "Fatal error during metadata update"))
        .isFalse();
    assertThat(passes(admin, "[AdminClient clientId=tx-refused_aa390a54-dlq] Connection refused"))
        .as("another message of a client still passes")
        .isTrue();
  }

  @Test
  void letsDifferentLinesLevelsAndLoggersThrough() {
    assertThat(passes(NETWORK_CLIENT, "Bootstrap broker 127.0.0.1:1 disconnected")).isTrue();
    assertThat(passes(NETWORK_CLIENT, "Connection to node 1 could not be established")).isTrue();
    assertThat(
            passes(
                "org.apache.kafka.clients.admin.KafkaAdminClient",
                "Bootstrap broker 127.0.0.1:1 disconnected"))
        .isTrue();
    ExtLogRecord error = record(NETWORK_CLIENT, "Bootstrap broker 127.0.0.1:1 disconnected");
    error.setLevel(Level.SEVERE);
    assertThat(filter.isLoggable(error)).isTrue();
  }

  @Test
  void letsTheLineThroughAgainAfterTheWindowWithTheCountHeldBack() {
    assertThat(passes(NETWORK_CLIENT, "node 1 failed")).isTrue();
    for (int i = 0; i < 3; i++) {
      now.addAndGet(1_000);
      assertThat(passes(NETWORK_CLIENT, "node 1 failed")).isFalse();
    }
    now.addAndGet(RepeatedLogLines.WINDOW.toMillis());
    ExtLogRecord again = record(NETWORK_CLIENT, "node %d failed", 7);
    assertThat(filter.isLoggable(again)).isTrue();
    assertThat(again.getFormattedMessage())
        .isEqualTo("node 7 failed [3 more like this held back in the last 5 min]");
    now.addAndGet(1_000);
    assertThat(passes(NETWORK_CLIENT, "node 1 failed")).isFalse();
  }

  @Test
  void neverHoldsBackOurOwnLines() {
    for (int i = 0; i < 3; i++) {
      assertThat(passes("com.dcmms.telemetry.host.flink.JobFailureLog", "Telemetry job failed"))
          .isTrue();
    }
  }

  @Test
  void tellsLinesApartByTheirException() {
    ExtLogRecord auth = record(TASK, "task (1/2)#0 switched to FAILED");
    auth.setThrown(new IllegalStateException("Authentication failed"));
    ExtLogRecord timeout = record(TASK, "task (2/2)#0 switched to FAILED");
    timeout.setThrown(new IllegalStateException("Timed out"));
    assertThat(filter.isLoggable(auth)).isTrue();
    assertThat(filter.isLoggable(timeout)).isTrue();
    ExtLogRecord authAgain = record(TASK, "task (2/2)#1 switched to FAILED");
    authAgain.setThrown(new IllegalStateException("Authentication failed"));
    assertThat(filter.isLoggable(authAgain)).isFalse();
  }

  private boolean passes(String logger, String message) {
    return filter.isLoggable(record(logger, message));
  }

  private static ExtLogRecord record(String logger, String format, Object... args) {
    ExtLogRecord r =
        new ExtLogRecord(
            Level.WARNING,
            format,
            ExtLogRecord.FormatStyle.PRINTF,
            RepeatedLogLinesTest.class.getName());
    r.setLoggerName(logger);
    r.setParameters(args);
    return r;
  }
}
