package com.dcmms.telemetry.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.dcmms.telemetry.monitoring.MonitoringFiles;
import com.dcmms.telemetry.monitoring.PrometheusServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prometheus server with the shipped alert rules, scraping the packaged service's {@code
 * /q/metrics}: the QuestDB alert fires while QuestDB is away and resolves once it is back, nothing
 * else fires on a healthy service, and Prometheus types Flink's histograms as summaries.
 */
@ExtendWith(RealServers.class)
class PrometheusAlertsIT {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusAlertsIT.class);
  private static final String ALERT = "TelemetryQuestDbUnavailable";
  private static final int SENSORS = 4;

  @TempDir Path dir;

  private final PipelineFixture fx = new PipelineFixture("prometheus_alerts");
  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @Test
  void firesTheQuestDbAlertWhileQuestDbIsAwayAndResolvesItOnceItIsBack() throws Exception {
    Map<String, String> props = ServiceProcess.properties(fx, dir);
    // Retries outlast the outage: the sink waits for QuestDB instead of failing the job.
    props.put("telemetry.questdb.retry-timeout", "5 min");
    fx.produce(fx.readings(0, 5, SENSORS, base, "site-p", "PRESSURE"));
    try (ServiceProcess service = ServiceProcess.start("prometheus-alerts", props);
        PrometheusServer prometheus =
            PrometheusServer.start(
                "telemetry-edge", dir.resolve("prometheus"), service.address(), "/q/metrics")) {
      service.awaitReady();
      await("first readings stored")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> fx.questDb().count("SELECT count() FROM " + fx.table) > 0);
      await("Prometheus scrapes the service")
          .atMost(Duration.ofSeconds(30))
          .until(prometheus::targetHealth, health -> health.equals(List.of("up")));
      // The rules evaluate on what Prometheus stored: the metrics they read are there.
      await("rule inputs stored")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  prometheus.query("sum(flink_taskmanager_job_task_operator_questdbUnavailable)")
                          == 0
                      && prometheus.query("sum(flink_jobmanager_numRunningJobs)") == 1);
      assertThat(firing(prometheus)).as("alerts firing on a healthy service").isEmpty();
      // Prometheus reads Flink's histograms from the service as summaries, counters as gauges.
      assertThat(prometheus.metadataType("flink_taskmanager_job_task_mailboxLatencyMs"))
          .isEqualTo("summary");
      assertThat(prometheus.metadataType("flink_taskmanager_job_task_operator_questdbRowsWritten"))
          .isEqualTo("gauge");

      fx.questDb().stop();
      long stoppedAt = System.nanoTime();
      try {
        fx.produce(fx.readings(5, 10, SENSORS, base, "site-p", "PRESSURE"));
        await(ALERT + " pending")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> state(prometheus), s -> s.equals(Optional.of("pending")));
        // The rule's `for: 1m` must pass first.
        JsonNode firing =
            await(ALERT + " firing")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    () -> alert(prometheus),
                    a -> a.isPresent() && a.get().path("state").asText().equals("firing"))
                .orElseThrow();
        LOG.info(
            "{} fired {} s after QuestDB stopped: {}",
            ALERT,
            Duration.ofNanos(System.nanoTime() - stoppedAt).toSeconds(),
            firing);
        assertThat(firing.at("/labels/severity").asText()).isEqualTo("critical");
        assertThat(firing.at("/labels/job_name").asText()).isEqualTo("dCMMS telemetry pipeline");
        assertThat(firing.at("/annotations/runbook_url").asText())
            .isEqualTo("docs/operations.md#questdb-unavailable");
        assertThat(firing.path("value").asDouble()).isBetween(1.0, 2.0);
        // Others may be pending meanwhile (backpressure behind the waiting sink), none fires.
        assertThat(firing(prometheus)).containsExactly(ALERT);
      } finally {
        fx.questDb().start();
      }

      await(ALERT + " resolved")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> alert(prometheus), Optional::isEmpty);
      await("every reading stored")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> fx.questDb().count("SELECT count() FROM " + fx.table) == 10L * SENSORS);
      assertThat(firing(prometheus)).as("alerts firing once QuestDB is back").isEmpty();
      assertThat(MonitoringFiles.alertQueries()).containsKey(ALERT);
    }
  }

  private static Optional<JsonNode> alert(PrometheusServer prometheus) throws Exception {
    return prometheus.alerts().stream()
        .filter(a -> a.at("/labels/alertname").asText().equals(ALERT))
        .findFirst();
  }

  private static List<String> firing(PrometheusServer prometheus) throws Exception {
    return prometheus.alerts().stream()
        .filter(a -> a.path("state").asText().equals("firing"))
        .map(a -> a.at("/labels/alertname").asText())
        .toList();
  }

  private static Optional<String> state(PrometheusServer prometheus) throws Exception {
    return alert(prometheus).map(a -> a.path("state").asText());
  }
}
