package com.dcmms.telemetry.job.questdb;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.io.Serializable;
import java.time.Duration;
import java.util.regex.Pattern;

/** Where and how the QuestDB sink writes. */
public record QuestDbSettings(
    String host,
    int httpPort,
    String table,
    int batchRows,
    Duration flushInterval,
    Duration retryTimeout,
    String username,
    String password,
    String token)
    implements Serializable {
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public QuestDbSettings {
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "QuestDB table name '" + table + "' must be letters, digits and underscores");
    }
  }

  public static QuestDbSettings from(TelemetryJobOptions o) {
    return new QuestDbSettings(
        o.questDbHost(),
        o.questDbHttpPort(),
        o.questDbTable(),
        o.questDbBatchRows(),
        o.questDbFlushInterval(),
        o.questDbRetryTimeout(),
        o.questDbUsername(),
        o.questDbPassword(),
        o.questDbToken());
  }

  public String address() {
    return host + ':' + httpPort;
  }

  public boolean hasBasicAuth() {
    return username != null && !username.isEmpty();
  }

  public boolean hasToken() {
    return token != null && !token.isEmpty();
  }

  @Override
  public String toString() {
    // Never print credentials.
    return "QuestDB " + address() + " table " + table;
  }
}
