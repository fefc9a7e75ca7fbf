package com.dcmms.telemetry.tools.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Samples the embedded service through its {@code /api} and {@code /q/metrics} endpoints. */
public final class ServiceSource implements SampleSource {
  private static final String OP = "flink_taskmanager_job_task_operator_";
  private final Http http;
  private final String base;

  public ServiceSource(Http http, String baseUrl) {
    this.http = http;
    this.base = Http.base(baseUrl);
  }

  @Override
  public Sample sample() throws IOException, InterruptedException {
    long now = System.currentTimeMillis();
    JsonNode pipeline = http.json(base + "/api/pipeline");
    JsonNode checkpoints = http.json(base + "/api/checkpoints");
    PrometheusText m = PrometheusText.parse(http.text(base + "/q/metrics"));
    JsonNode latest = checkpoints.path("latest");
    long in =
        count(m.sum(OP + "telemetryAccepted")) + count(m.sum(OP + "reason_telemetryRejected"));
    var backpressure =
        m.maxBy("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", "task_name");
    backpressure.replaceAll((task, ms) -> ms / 1000.0);
    double lag = m.sum(OP + "pendingRecords");
    return new Sample(
        now,
        pipeline.path("state").asText("UNKNOWN"),
        in,
        count(m.sum(OP + "questdbRowsWritten")),
        latest.isObject() ? latest.path("durationMs").asLong(-1) : -1,
        latest.isObject() ? latest.path("stateSizeBytes").asLong(-1) : -1,
        backpressure,
        m.bySubtask("flink_taskmanager_job_task_accumulateBackPressuredTimeMs"),
        Double.isNaN(lag) ? -1 : (long) lag,
        (int) count(m.sum("flink_jobmanager_taskSlotsTotal")),
        (int) count(m.sum("flink_jobmanager_taskSlotsAvailable")),
        (int) count(m.sum("flink_jobmanager_numRegisteredTaskManagers")),
        pipeline.path("restarts").asLong(0),
        recent(checkpoints.path("recent")));
  }

  private static List<Sample.Checkpoint> recent(JsonNode recent) {
    List<Sample.Checkpoint> out = new ArrayList<>();
    recent.forEach(
        c ->
            out.add(
                new Sample.Checkpoint(
                    c.path("id").asLong(),
                    c.path("durationMs").asLong(),
                    c.path("completedAt").asLong())));
    return out;
  }

  private static long count(double value) {
    return Double.isNaN(value) ? 0 : (long) value;
  }
}
