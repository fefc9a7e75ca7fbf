package com.dcmms.telemetry.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.dcmms.telemetry.job.it.TelemetryJobIT;
import com.dcmms.telemetry.testkit.Events;
import com.dcmms.telemetry.tools.monitor.FlinkRestSource;
import com.dcmms.telemetry.tools.monitor.Http;
import com.dcmms.telemetry.tools.monitor.Sample;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  @TempDir Path dir;

  private final PipelineFixture fx = new PipelineFixture("cluster");
  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @Test
  void clusterClasspathHoldsTheFlinkRuntimeAndNoneOfTheJobsLibraries() throws IOException {
    List<Path> jars = FlinkRuntimeClasspath.fromTestClasspath();
    URL[] urls = jars.stream().map(FlinkClusterIT::url).toArray(URL[]::new);
    try (URLClassLoader cluster = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      assertThat(
              Stream.of(
                  "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                  "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                  "org.apache.flink.runtime.webmonitor.handlers.JarUploadHandler",
                  "org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend",
                  "org.apache.flink.connector.base.DeliveryGuarantee"))
          .allMatch(name -> loads(cluster, name));
      // What the job JAR must bring itself.
      assertThat(
              Stream.of(
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
      String jar = flink.uploadJar(JobJar.path());

      String first = flink.runJar(jar, PARALLELISM, programArguments(), null);
      cluster.awaitFullyRunning(first, Duration.ofSeconds(90));
      assertRunsAtFullParallelismOnEveryTaskManager(flink, first);
      awaitStoredAndPublished(SENSORS * 5);
      assertTheMonitorReadsTheCluster(flink, SENSORS * 5);
      ClusterMonitoring.assertEveryMonitoredMetricIsScraped(cluster, "cluster-scrape.txt");

      String savepoint =
          cluster.stopWithSavepoint(first, dir.resolve("savepoints"), Duration.ofSeconds(60));

      // Sent while no job runs: repeats of readings from before the stop, which only the dedup
      // state restored from the savepoint can recognise; then new readings.
      fx.produce(nearDuplicatesOfReading(4));
      fx.produce(fx.readings(4, 5, 1, base, SITE, TYPE));
      fx.produce(fx.readings(5, 10, SENSORS, base, SITE, TYPE));

      String resumed = flink.runJar(jar, PARALLELISM, programArguments(), savepoint);
      cluster.awaitFullyRunning(resumed, Duration.ofSeconds(90));
      JsonNode restored = flink.checkpoints(resumed).at("/latest/restored");
      assertThat(restored.get("is_savepoint").asBoolean()).isTrue();
      assertThat(restored.get("external_path").asText()).isEqualTo(savepoint);
      awaitStoredAndPublished(SENSORS * 10);

      assertEveryReadingStoredAndPublishedExactlyOnce(SENSORS * 10);
      assertThat(fx.readCommitted(fx.deadLetterTopic)).isEmpty();
    } finally {
      LOG.info(
          "Flink cluster test took {} s (cluster start, two runs, savepoint, shutdown)",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }
  }

  /** The job's arguments: this fixture's topics, table, servers and one-second checkpoints. */
  private List<String> programArguments() {
    return JobJar.arguments(fx.options(dir.resolve("checkpoints")));
  }

  /** bin/monitor's cluster mode reads this job through the REST API. */
  private static void assertTheMonitorReadsTheCluster(FlinkRestClient flink, long stored) {
    FlinkRestSource monitor = new FlinkRestSource(new Http(), flink.baseUrl());
    // The REST API serves metrics refreshed every few seconds.
    Sample sample =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofSeconds(1))
            .until(monitor::sample, s -> s.recordsIn() >= stored && s.recordsOut() >= stored);
    assertThat(sample.state()).isEqualTo("RUNNING");
    assertThat(sample.taskManagers()).isEqualTo(TASK_MANAGERS);
    assertThat(sample.slotsTotal()).isEqualTo(TASK_MANAGERS * SLOTS_PER_TASK_MANAGER);
    assertThat(sample.recordsIn()).isGreaterThanOrEqualTo(stored);
    assertThat(sample.recordsOut()).isEqualTo(stored);
    assertThat(sample.backpressure())
        .isNotEmpty()
        .allSatisfy((vertex, ratio) -> assertThat(ratio).isBetween(0.0, 1.0));
  }

  private static void assertRunsAtFullParallelismOnEveryTaskManager(
      FlinkRestClient flink, String jobId) {
    assertThat(flink.job(jobId).get("vertices"))
        .allSatisfy(vertex -> assertThat(vertex.get("parallelism").asInt()).isEqualTo(PARALLELISM));
    assertThat(flink.taskManagers())
        .hasSize(TASK_MANAGERS)
        .allSatisfy(
            tm ->
                assertThat(tm.get("freeSlots").asInt())
                    .as("free slots of %s", tm.get("id").asText())
                    .isLessThan(tm.get("slotsNumber").asInt()));
  }

  /** Every sensor's reading {@code i} again, 0.5 s later and 0.2 % off: within the deadband. */
  private List<ProducerRecord<byte[], byte[]>> nearDuplicatesOfReading(int i) {
    return IntStream.range(0, SENSORS)
        .mapToObj(
            s -> fx.raw(Events.nearDuplicate("near-s" + s + "-r" + i, s, i, 500, base, SITE, TYPE)))
        .toList();
  }

  private void awaitStoredAndPublished(long readings) {
    TelemetryJobIT.awaitExactly(
        () -> fx.questDb().count("SELECT count() FROM " + fx.table), readings);
    TelemetryJobIT.awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), readings);
  }

  private void assertEveryReadingStoredAndPublishedExactlyOnce(int readings) {
    List<String> expected =
        IntStream.range(0, readings / SENSORS)
            .boxed()
            .flatMap(i -> IntStream.range(0, SENSORS).mapToObj(s -> "s" + s + "-r" + i))
            .sorted()
            .toList();
    assertThat(fx.questDb().rows("SELECT event_id FROM " + fx.table + " ORDER BY event_id"))
        .extracting(row -> row.get(0))
        .containsExactlyElementsOf(expected);
    assertThat(fx.readCommittedJson(fx.validatedTopic))
        .extracting(json -> json.get("event_id").asText())
        .containsExactlyInAnyOrderElementsOf(expected);
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
