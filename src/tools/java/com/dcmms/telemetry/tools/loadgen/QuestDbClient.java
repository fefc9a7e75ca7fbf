package com.dcmms.telemetry.tools.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** Runs SQL on QuestDB's HTTP {@code /exec} endpoint and returns the rows as JSON. */
public final class QuestDbClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public QuestDbClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** The {@code dataset} array of the result; IOException carries QuestDB's error text. */
  public JsonNode query(String sql) throws IOException {
    return query(sql, DEFAULT_TIMEOUT);
  }

  /** As {@link #query(String)}, waiting at most {@code timeout} for the answer. */
  public JsonNode query(String sql, Duration timeout) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    baseUrl + "/exec?query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8)))
            .timeout(timeout)
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new IOException(
          "QuestDB at "
              + baseUrl
              + " did not answer within "
              + timeout.toSeconds()
              + " s: '"
              + abbreviate(sql)
              + "'",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while querying QuestDB at " + baseUrl, e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IOException(
          "QuestDB at "
              + baseUrl
              + " answered HTTP "
              + response.statusCode()
              + " with non-JSON: "
              + abbreviate(response.body()));
    }
    if (response.statusCode() != 200 || body.has("error")) {
      throw new IOException(
          "QuestDB at "
              + baseUrl
              + " rejected '"
              + abbreviate(sql)
              + "': "
              + body.path("error").asText(response.body()));
    }
    return body.path("dataset");
  }

  /** The first column of the first row as a long (for count queries). */
  public long count(String sql) throws IOException {
    JsonNode rows = query(sql);
    return rows.size() == 0 ? 0 : rows.get(0).get(0).asLong();
  }

  /** A SQL string literal; ids of this tool never hold quotes, but a table of others may. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** A timestamp literal QuestDB compares with the designated timestamp, for interval pruning. */
  static String timestamp(long epochMillis) {
    return "'" + Instant.ofEpochMilli(epochMillis) + "'";
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
