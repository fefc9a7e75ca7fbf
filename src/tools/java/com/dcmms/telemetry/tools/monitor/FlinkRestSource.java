package com.dcmms.telemetry.tools.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples a Flink cluster through its REST API: the first running job, its checkpoints, and
 * backpressure from {@code /jobs/:id/vertices/:vid/backpressure}, whose per-subtask {@code ratio}
 * is the share of time the subtask was back-pressured. Flink refreshes the metrics it serves every
 * {@code metrics.fetcher.update-interval} (10 s by default).
 */
public final class FlinkRestSource implements SampleSource {
  private final Http http;
  private final String base;

  public FlinkRestSource(Http http, String baseUrl) {
    this.http = http;
    this.base = Http.base(baseUrl);
  }

  @Override
  public Sample sample() throws IOException, InterruptedException {
    long now = System.currentTimeMillis();
    JsonNode overview = http.json(base + "/overview");
    int slotsTotal = overview.path("slots-total").asInt();
    int slotsFree = overview.path("slots-available").asInt();
    int taskManagers = overview.path("taskmanagers").asInt();
    String jobId = runningJob();
    if (jobId == null) {
      return new Sample(
          now,
          "NO_RUNNING_JOB",
          0,
          0,
          -1,
          -1,
          Map.of(),
          Map.of(),
          -1,
          slotsTotal,
          slotsFree,
          taskManagers,
          0,
          List.of());
    }
    String job = base + "/jobs/" + jobId;
    JsonNode details = http.json(job);
    long in = 0;
    long out = 0;
    long lag = -1;
    Map<String, Double> backpressure = new LinkedHashMap<>();
    for (JsonNode vertex : details.path("vertices")) {
      String vid = vertex.path("id").asText();
      String name = vertex.path("name").asText();
      String vertexUrl = job + "/vertices/" + vid;
      if (name.startsWith("Source")) {
        // The source operator emits one record per Kafka record read. (Not the validating
        // operator's counters: Flink's metric query drops metrics when a task's dump grows
        // large, as the Kafka reader's per-partition metrics make it.)
        double read =
            operatorMetricSum(
                vertexUrl, id -> id.startsWith("Source__") && id.endsWith(".numRecordsOut"));
        in += Double.isNaN(read) ? 0 : (long) read;
        double pending = operatorMetricSum(vertexUrl, id -> id.endsWith(".pendingRecords"));
        lag = Double.isNaN(pending) ? lag : (long) pending;
      }
      double stored = operatorMetricSum(vertexUrl, id -> id.endsWith(".questdbRowsWritten"));
      if (!Double.isNaN(stored)) {
        out += (long) stored;
      }
      double worst = 0;
      for (JsonNode subtask : http.json(vertexUrl + "/backpressure").path("subtasks")) {
        worst = Math.max(worst, subtask.path("ratio").asDouble());
      }
      backpressure.put(name, worst);
    }
    JsonNode latest = http.json(job + "/checkpoints").path("latest").path("completed");
    JsonNode restarts = http.json(job + "/metrics?get=numRestarts");
    return new Sample(
        now,
        details.path("state").asText(),
        in,
        out,
        latest.isObject() ? latest.path("end_to_end_duration").asLong(-1) : -1,
        latest.isObject() ? latest.path("state_size").asLong(-1) : -1,
        backpressure,
        Map.of(),
        lag,
        slotsTotal,
        slotsFree,
        taskManagers,
        restarts.isArray() && !restarts.isEmpty() ? restarts.get(0).path("value").asLong() : 0,
        List.of());
  }

  private String runningJob() throws IOException, InterruptedException {
    for (JsonNode j : http.json(base + "/jobs/overview").path("jobs")) {
      if ("RUNNING".equals(j.path("state").asText())) {
        return j.path("jid").asText();
      }
    }
    return null;
  }

  /** Sum over subtasks of the metrics whose id matches; NaN when none. */
  private double operatorMetricSum(String vertexUrl, java.util.function.Predicate<String> matches)
      throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (JsonNode m : http.json(vertexUrl + "/subtasks/metrics")) {
      String id = m.path("id").asText();
      if (matches.test(id)) {
        ids.add(id);
      }
    }
    if (ids.isEmpty()) {
      return Double.NaN;
    }
    double total = 0;
    String get = URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
    for (JsonNode m : http.json(vertexUrl + "/subtasks/metrics?agg=sum&get=" + get)) {
      total += m.path("sum").asDouble();
    }
    return total;
  }
}
