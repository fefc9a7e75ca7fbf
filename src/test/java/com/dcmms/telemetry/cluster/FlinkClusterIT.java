package com.dcmms.telemetry.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.dcmms.telemetry.job.it.TelemetryJobIT;
import com.dcmms.telemetry.monitoring.MonitoringFiles;
import com.dcmms.telemetry.testkit.Events;
import com.dcmms.telemetry.tools.monitor.FlinkRestSource;
import com.dcmms.telemetry.tools.monitor.Http;
import com.dcmms.telemetry.tools.monitor.Sample;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster job JAR on a real multi-process Flink standalone cluster (a JobManager and two
 * TaskManager JVMs), submitted over REST as {@code flink run} does, fed through the real broker,
 * stopped with a savepoint and resumed from it.
 */
@ExtendWith(RealServers.class)
class FlinkClusterIT {
  private static final Logger LOG = LoggerFactory.getLogger(FlinkClusterIT.class);
  private static final int TASK_MANAGERS = 2;
  private static final int SLOTS_PER_TASK_MANAGER = 2;
  /** Above one TaskManager's slots, so the job can only run across both. */
  private static final int PARALLELISM = 3;
  private static final int SENSORS = 6;
  private static final String SITE = "site-c";
  private static final String TYPE = "PRESSURE";

  @TempDir
  Path dir;

  private final PipelineFixture fx = new PipelineFixture("cluster");
  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @Test
  void clusterClasspathHoldsTheFlinkRuntimeAndNoneOfTheJobsLibraries() throws IOException {
    List<Path> jars = FlinkRuntimeClasspath.fromTestClasspath();
    URL[] urls = jars.stream().map(FlinkClusterIT::url).toArray(URL[]::new);
    try (URLClassLoader cluster = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      assertThat(Stream.of(
          "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
          "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
          "org.apache.flink.runtime.webmonitor.handlers.JarUploadHandler",
          "org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend",
          "org.apache.flink.connector.base.DeliveryGuarantee"))
          .allMatch(name -> loads(cluster, name));
      // What the job JAR must bring itself.
      assertThat(Stream.of(
          "com.dcmms.telemetry.job.TelemetryJob",
          "org.apache.flink.connector.kafka.source.KafkaSource",
          "org.apache.kafka.clients.producer.KafkaProducer",
          "io.questdb.client.Sender",
          "com.fasterxml.jackson.databind.ObjectMapper",
          "io.quarkus.runtime.Quarkus"))
          .noneMatch(name -> loads(cluster, name));
    }
  }

  @Test
  void runsTheJobJarAcrossTwoTaskManagersAndResumesItFromASavepoint() throws Exception {
    long started = System.nanoTime();
    try (StandaloneFlinkCluster cluster =
        StandaloneFlinkCluster.start(dir.resolve("flink"), TASK_MANAGERS, SLOTS_PER_TASK_MANAGER)) {
      FlinkRestClient flink = cluster.rest();
      fx.produce(fx.readings(0, 5, SENSORS, base, SITE, TYPE));
      cluster.awaitTaskManagers();
      String jar = flink.uploadJar(jobJar());

      String first = flink.runJar(jar, PARALLELISM, programArguments(), null);
      awaitFullyRunning(cluster, first);
      assertRunsAtFullParallelismOnEveryTaskManager(flink, first);
      awaitStoredAndPublished(SENSORS * 5);
      assertTheMonitorReadsTheCluster(flink, SENSORS * 5);
      assertTheDashboardAndAlertsFindTheirMetricsInThePrometheusScrape(cluster);

      String savepoint = stopWithSavepoint(cluster, first);

      // Sent while no job runs: repeats of readings from before the stop, which only the dedup
      // state restored from the savepoint can recognise; then new readings.
      fx.produce(nearDuplicatesOfReading(4));
      fx.produce(fx.readings(4, 5, 1, base, SITE, TYPE));
      fx.produce(fx.readings(5, 10, SENSORS, base, SITE, TYPE));

      String resumed = flink.runJar(jar, PARALLELISM, programArguments(), savepoint);
      awaitFullyRunning(cluster, resumed);
      JsonNode restored = flink.checkpoints(resumed).at("/latest/restored");
      assertThat(restored.get("is_savepoint").asBoolean()).isTrue();
      assertThat(restored.get("external_path").asText()).isEqualTo(savepoint);
      awaitStoredAndPublished(SENSORS * 10);

      assertEveryReadingStoredAndPublishedExactlyOnce(SENSORS * 10);
      assertThat(fx.readCommitted(fx.deadLetterTopic)).isEmpty();
    } finally {
      LOG.info("Flink cluster test took {} s (cluster start, two runs, savepoint, shutdown)",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }
  }

  /**
   * The arguments of {@code flink run … job.jar}: this fixture's topics, table, servers and a
   * one-second checkpoint interval, written as the job's {@code --key value} options. The
   * parallelism is not among them: it comes from the run request, as {@code flink run -p} gives it.
   */
  private List<String> programArguments() {
    TelemetryJobOptions options = fx.options(dir.resolve("checkpoints"));
    Map<String, String> defaults = TelemetryJobOptions.defaults().asMap();
    List<String> args = new ArrayList<>();
    options.asMap().forEach((key, value) -> {
      if (!key.equals("parallelism") && !value.equals(defaults.get(key))) {
        args.add("--" + key);
        args.add(value);
      }
    });
    return args;
  }

  /** bin/monitor's cluster mode reads this job through the REST API. */
  private static void assertTheMonitorReadsTheCluster(FlinkRestClient flink, long stored) {
    FlinkRestSource monitor = new FlinkRestSource(new Http(), flink.baseUrl());
    // The REST API serves metrics refreshed every few seconds.
    Sample sample = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
        .until(monitor::sample, s -> s.recordsIn() >= stored && s.recordsOut() >= stored);
    assertThat(sample.state()).isEqualTo("RUNNING");
    assertThat(sample.taskManagers()).isEqualTo(TASK_MANAGERS);
    assertThat(sample.slotsTotal()).isEqualTo(TASK_MANAGERS * SLOTS_PER_TASK_MANAGER);
    assertThat(sample.recordsIn()).isGreaterThanOrEqualTo(stored);
    assertThat(sample.recordsOut()).isEqualTo(stored);
    assertThat(sample.backpressure()).isNotEmpty()
        .allSatisfy((vertex, ratio) -> assertThat(ratio).isBetween(0.0, 1.0));
  }

  /**
   * Flink's Prometheus reporter on the JobManager and every TaskManager exposes every metric the
   * shipped dashboard and alert rules query, with histograms typed as summaries.
   */
  private static void assertTheDashboardAndAlertsFindTheirMetricsInThePrometheusScrape(
      StandaloneFlinkCluster cluster) throws IOException {
    Path copy = Path.of(System.getProperty("basedir", "."), "target", "monitoring",
        "cluster-scrape.txt");
    Files.createDirectories(copy.getParent());
    // The checkpoint and source metrics appear once the job has checkpointed and read.
    String scrape = await("every queried metric in the cluster's scrape")
        .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          String all = scrapeAll(cluster);
          Files.writeString(copy, all);
          return all;
        }, all -> MonitoringFiles.missingFrom(all).isEmpty());
    assertThat(MonitoringFiles.missingFrom(scrape)).as("scrape in %s", copy).isEmpty();
    assertThat(scrape).contains("# TYPE flink_taskmanager_job_task_mailboxLatencyMs summary");
  }

  private static String scrapeAll(StandaloneFlinkCluster cluster) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    StringBuilder all = new StringBuilder();
    for (String endpoint : cluster.prometheusEndpoints().values()) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(endpoint).isEqualTo(200);
      all.append(response.body()).append('\n');
    }
    return all.toString();
  }

  private void awaitFullyRunning(StandaloneFlinkCluster cluster, String jobId) {
    try {
      await("job " + jobId + " running").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            cluster.assertAllAlive();
            return cluster.rest().isFullyRunning(jobId);
          });
    } catch (ConditionTimeoutException e) {
      // The job's own exceptions say why far better than a timeout does.
      throw new AssertionError("job " + jobId + " is not running: "
          + cluster.rest().get("/jobs/" + jobId + "/exceptions").path("root-exception").asText(), e);
    }
  }

  private static void assertRunsAtFullParallelismOnEveryTaskManager(FlinkRestClient flink,
      String jobId) {
    assertThat(flink.job(jobId).get("vertices"))
        .allSatisfy(vertex -> assertThat(vertex.get("parallelism").asInt()).isEqualTo(PARALLELISM));
    assertThat(flink.taskManagers()).hasSize(TASK_MANAGERS)
        .allSatisfy(tm -> assertThat(tm.get("freeSlots").asInt())
            .as("free slots of %s", tm.get("id").asText())
            .isLessThan(tm.get("slotsNumber").asInt()));
  }

  /** Stops the job with a savepoint, as {@code flink stop --savepointPath} does; returns its location. */
  private String stopWithSavepoint(StandaloneFlinkCluster cluster, String jobId) {
    FlinkRestClient flink = cluster.rest();
    String trigger = flink.triggerStopWithSavepoint(jobId, dir.resolve("savepoints").toUri().toString());
    JsonNode done = await("savepoint of " + jobId).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> flink.savepointStatus(jobId, trigger),
            status -> "COMPLETED".equals(status.at("/status/id").asText()));
    assertThat(done.at("/operation/failure-cause").toString()).as("savepoint failure").isEmpty();
    await("job " + jobId + " finished").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> flink.job(jobId).get("state").asText(), "FINISHED"::equals);
    return done.at("/operation/location").asText();
  }

  /** Every sensor's reading {@code i} again, 0.5 s later and 0.2 % off: within the deadband. */
  private List<ProducerRecord<byte[], byte[]>> nearDuplicatesOfReading(int i) {
    return IntStream.range(0, SENSORS)
        .mapToObj(s -> fx.raw(Events.nearDuplicate("near-s" + s + "-r" + i, s, i, 500, base, SITE,
            TYPE)))
        .toList();
  }

  private void awaitStoredAndPublished(long readings) {
    TelemetryJobIT.awaitExactly(() -> fx.questDb().count("SELECT count() FROM " + fx.table), readings);
    TelemetryJobIT.awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), readings);
  }

  private void assertEveryReadingStoredAndPublishedExactlyOnce(int readings) {
    List<String> expected = IntStream.range(0, readings / SENSORS).boxed()
        .flatMap(i -> IntStream.range(0, SENSORS).mapToObj(s -> "s" + s + "-r" + i))
        .sorted().toList();
    assertThat(fx.questDb().rows("SELECT event_id FROM " + fx.table + " ORDER BY event_id"))
        .extracting(row -> row.get(0))
        .containsExactlyElementsOf(expected);
    assertThat(fx.readCommittedJson(fx.validatedTopic))
        .extracting(json -> json.get("event_id").asText())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private static Path jobJar() throws IOException {
    Path target = Path.of(System.getProperty("basedir", "."), "target");
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("no *-job.jar in " + target + ": run ./mvnw package"));
    }
  }

  private static boolean loads(ClassLoader loader, String className) {
    try {
      Class.forName(className, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (IOException e) {
      throw new IllegalArgumentException(jar.toString(), e);
    }
  }
}
