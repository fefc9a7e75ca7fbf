package com.dcmms.telemetry.job.questdb;

import com.dcmms.telemetry.job.records.TelemetryReading;
import io.questdb.client.Sender;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * The readings table: its rows, and its creation through QuestDB's HTTP /exec endpoint: WAL,
 * partitioned by day, with DEDUP UPSERT KEYS so that a replay after a failure stores nothing twice.
 */
public final class QuestDbTable {
  private QuestDbTable() {}

  public static String createTableSql(String table) {
    return "CREATE TABLE IF NOT EXISTS "
        + table
        + " ("
        + "timestamp TIMESTAMP, site_id SYMBOL, asset_id SYMBOL, sensor_id SYMBOL, "
        + "sensor_type SYMBOL, value DOUBLE, unit SYMBOL, quality_flag SYMBOL, source SYMBOL, "
        + "event_id VARCHAR, metadata VARCHAR, ingested_at TIMESTAMP"
        + ") TIMESTAMP(timestamp) PARTITION BY DAY WAL "
        + "DEDUP UPSERT KEYS(timestamp, site_id, asset_id, sensor_id)";
  }

  /**
   * Appends {@code r} as one row of {@code table}, in the columns {@link #createTableSql} makes.
   */
  public static void appendRow(Sender sender, String table, TelemetryReading r) {
    sender
        .table(table)
        .symbol("site_id", r.siteId)
        .symbol("asset_id", r.assetId)
        .symbol("sensor_id", r.sensorId)
        .symbol("sensor_type", r.sensorType)
        .symbol("unit", r.unit)
        .symbol("quality_flag", r.qualityFlag)
        .symbol("source", r.source)
        .doubleColumn("value", r.value)
        .stringColumn("event_id", r.eventId);
    if (r.metadataJson != null) {
      sender.stringColumn("metadata", r.metadataJson);
    }
    sender
        .timestampColumn("ingested_at", r.processedAt, ChronoUnit.MILLIS)
        .at(r.timestamp, ChronoUnit.MILLIS);
  }

  /**
   * Runs one SQL statement; throws with QuestDB's answer when it is refused, and {@link
   * QuestDbCredentialsRejected} when the credentials are.
   */
  public static String exec(QuestDbSettings settings, String sql)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://"
                        + settings.address()
                        + "/exec?query="
                        + URLEncoder.encode(sql, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(30))
            .GET();
    if (settings.hasToken()) {
      request.header("Authorization", "Bearer " + settings.token());
    } else if (settings.hasBasicAuth()) {
      String credentials =
          settings.username() + ':' + (settings.password() == null ? "" : settings.password());
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (QuestDbCredentialsRejected.isAuthenticationError(response.statusCode())) {
      throw QuestDbCredentialsRejected.of(settings, response.statusCode());
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "QuestDB at "
              + settings.address()
              + " refused the statement (HTTP "
              + response.statusCode()
              + "): "
              + response.body());
    }
    return response.body();
  }
}
