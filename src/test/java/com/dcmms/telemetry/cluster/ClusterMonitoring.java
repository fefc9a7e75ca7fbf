package com.dcmms.telemetry.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.monitoring.MonitoringFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The shipped dashboard and alert rules against a standalone cluster's Prometheus scrape. */
final class ClusterMonitoring {
  private ClusterMonitoring() {}

  /**
   * Flink's Prometheus reporter on the JobManager and every TaskManager exposes every metric the
   * shipped dashboard and alert rules query, with histograms typed as summaries. The last scrape is
   * kept in {@code target/monitoring/<copyName>}.
   */
  static void assertEveryMonitoredMetricIsScraped(StandaloneFlinkCluster cluster, String copyName)
      throws IOException {
    Path copy = Path.of(System.getProperty("basedir", "."), "target", "monitoring", copyName);
    Files.createDirectories(copy.getParent());
    // The checkpoint and source metrics appear once the job has checkpointed and read.
    String scrape =
        await("every queried metric in the cluster's scrape")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> {
                  String all = cluster.scrapePrometheus();
                  Files.writeString(copy, all);
                  return all;
                },
                all -> MonitoringFiles.missingFrom(all).isEmpty());
    assertThat(MonitoringFiles.missingFrom(scrape)).as("scrape in %s", copy).isEmpty();
    assertThat(scrape).contains("# TYPE flink_taskmanager_job_task_mailboxLatencyMs summary");
  }
}
