package com.dcmms.telemetry.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.faults.DeliveryCheck;
import com.dcmms.telemetry.faults.DeliveryCheck.Span;
import com.dcmms.telemetry.faults.PipelineCounters;
import com.dcmms.telemetry.faults.SentLedger;
import com.dcmms.telemetry.faults.SentLedger.Slice;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job JAR on a standalone cluster laid out as the product ships it: 8 TaskManagers of 4 slots
 * with {@code docker/flink/config.yaml} as it is (but for loopback addresses, ports and
 * directories), at parallelism 32 over 32 partitions, under load that keeps every subtask's state,
 * producers and writers busy; stopped with a savepoint and resumed from it, exact both times; the
 * dashboard's and alerts' metrics in this cluster's scrape.
 */
@ExtendWith(RealServers.class)
class FlinkClusterAt32IT {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkClusterAt32IT.class);
  private static final Path SHIPPED_CONFIG = Path.of("docker", "flink", "config.yaml");
  private static final int TASK_MANAGERS = 8;
  private static final int PARALLELISM = 32;

  /**
   * Every one of the 32 dedup subtasks owns some twenty of them. No more: the series' readings of
   * sensor {@code s} alternate between {@code 100 + s} and {@code 110 + s}, which stays outside the
   * 1 % deadband only up to sensor 899.
   */
  private static final int SENSORS = 800;

  /** Readings per sensor before the savepoint: 200,000 distinct readings. */
  private static final int READINGS = 250;

  private static final int MORE_READINGS = 25;
  private static final Duration DRAIN = Duration.ofMinutes(5);

  @TempDir Path dir;

  private final PipelineFixture fx = new PipelineFixture("cluster32", PARALLELISM);
  private final SentLedger ledger = new SentLedger(fx, "site-32", SENSORS);
  private final DeliveryCheck check = new DeliveryCheck(fx, ledger);

  @Test
  void runsAt32OnEightTaskManagersOfTheShippedConfigAndResumesFromASavepoint() throws Exception {
    long started = System.nanoTime();
    try (StandaloneFlinkCluster cluster =
        StandaloneFlinkCluster.startAsShipped(
            dir.resolve("flink"), SHIPPED_CONFIG, TASK_MANAGERS)) {
      // Every 25th reading twice (exact duplicates), then each sensor's last reading again and a
      // near duplicate of it, and one record of each kind the validator rejects.
      ledger.sendReadings(0, READINGS, 25);
      ledger.sendRepeatsOf(READINGS - 1, "before");
      ledger.sendRejects("before");
      cluster.awaitTaskManagers();
      assertThat(cluster.rest().get("/overview").get("slots-total").asInt()).isEqualTo(PARALLELISM);
      Path jar = JobJar.path();
      List<String> args = JobJar.arguments(fx.options(dir.resolve("checkpoints")));

      String first = cluster.submit(jar, PARALLELISM, args, null);
      cluster.awaitFullyRunning(first, Duration.ofMinutes(3));
      assertEveryVertexRunsAt32AndFillsEveryTaskManager(cluster.rest(), first);
      awaitStored(ledger.all().stored());
      Slice beforeStop = ledger.all();
      check.assertExactlyOnce(Span.exact("first run", () -> counters(cluster), beforeStop));
      // Its counters go with the job: read them while it runs.
      PipelineCounters firstRun =
          check.awaitCounters(Span.exact("first run", () -> counters(cluster), beforeStop));
      assertEverySubtaskReadDedupedAndWrote(cluster.rest(), first);
      ClusterMonitoring.assertEveryMonitoredMetricIsScraped(cluster, "cluster32-scrape.txt");

      String savepoint =
          cluster.stopWithSavepoint(first, dir.resolve("savepoints"), Duration.ofMinutes(3));

      // Sent while no job runs: repeats of each sensor's last reading, which only the dedup state
      // restored from the savepoint can recognise; then new readings.
      int mark = ledger.size();
      ledger.sendRepeatsOf(READINGS - 1, "after");
      ledger.sendReadings(READINGS, READINGS + MORE_READINGS, 5);
      ledger.sendRejects("after");

      String resumed = cluster.submit(jar, PARALLELISM, args, savepoint);
      cluster.awaitFullyRunning(resumed, Duration.ofMinutes(3));
      JsonNode restored = cluster.rest().checkpoints(resumed).at("/latest/restored");
      assertThat(restored.get("is_savepoint").asBoolean()).isTrue();
      assertThat(restored.get("external_path").asText()).isEqualTo(savepoint);
      assertEveryVertexRunsAt32AndFillsEveryTaskManager(cluster.rest(), resumed);
      awaitStored(ledger.all().stored());
      check.assertExactlyOnce(
          Span.exact("first run", () -> firstRun, beforeStop),
          Span.exact("resumed run", () -> counters(cluster), ledger.since(mark)));
      assertEverySubtaskReadDedupedAndWrote(cluster.rest(), resumed);
    } finally {
      LOG.info(
          "Flink cluster at 32 took {} s (cluster start, two runs, savepoint, shutdown)",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }
  }

  /** Rows in QuestDB, a cheap count, before the whole DeliveryCheck reads every output. */
  private void awaitStored(long rows) {
    await("QuestDB rows of " + ledger.all())
        .atMost(DRAIN)
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .until(() -> fx.questDb().count("SELECT count() FROM " + fx.table), n -> n >= rows);
  }

  /** The pipeline's counters summed over the JobManager's and every TaskManager's scrape. */
  private static PipelineCounters counters(StandaloneFlinkCluster cluster) {
    try {
      return PipelineCounters.fromPrometheus(cluster.scrapePrometheus());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void assertEveryVertexRunsAt32AndFillsEveryTaskManager(
      FlinkRestClient flink, String jobId) {
    assertThat(flink.job(jobId).get("vertices"))
        .allSatisfy(vertex -> assertThat(vertex.get("parallelism").asInt()).isEqualTo(PARALLELISM));
    assertThat(flink.taskManagers())
        .hasSize(TASK_MANAGERS)
        .allSatisfy(
            tm ->
                assertThat(tm.get("freeSlots").asInt())
                    .as("free slots of %s", tm.get("id").asText())
                    .isZero());
  }

  /**
   * Per subtask, from the REST API's operator metrics: each of the 32 source subtasks passed
   * records to validation, and each of the 32 dedup subtasks received readings, wrote rows to
   * QuestDB and passed readings to its validated_telemetry writer.
   */
  private static void assertEverySubtaskReadDedupedAndWrote(FlinkRestClient flink, String jobId) {
    JsonNode vertices = flink.job(jobId).get("vertices");
    String source = "/jobs/" + jobId + "/vertices/" + vertexId(vertices, "Source");
    String dedup = "/jobs/" + jobId + "/vertices/" + vertexId(vertices, "dedup");
    // The REST API serves metrics refreshed every few seconds.
    await("every subtask's records in the REST metrics")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              for (int i = 0; i < PARALLELISM; i++) {
                assertPositive(flink, source, i, "validate.numRecordsIn");
                assertPositive(
                    flink,
                    dedup,
                    i,
                    "dedup.numRecordsIn",
                    "QuestDB__Writer.questdbRowsWritten",
                    "validated__Writer.numRecordsIn");
              }
            });
  }

  private static void assertPositive(
      FlinkRestClient flink, String vertex, int subtask, String... metrics) {
    JsonNode values =
        flink.get(
            vertex
                + "/subtasks/"
                + subtask
                + "/metrics?get="
                + URLEncoder.encode(String.join(",", metrics), StandardCharsets.UTF_8));
    assertThat(values)
        .as("%s of subtask %d", List.of(metrics), subtask)
        .hasSize(metrics.length)
        .allSatisfy(
            m ->
                assertThat(m.get("value").asDouble())
                    .as("subtask %d: %s", subtask, m)
                    .isPositive());
  }

  private static String vertexId(JsonNode vertices, String namePrefix) {
    for (JsonNode vertex : vertices) {
      if (vertex.get("name").asText().startsWith(namePrefix)) {
        return vertex.get("id").asText();
      }
    }
    throw new AssertionError("no vertex named " + namePrefix + "… in " + vertices);
  }
}
