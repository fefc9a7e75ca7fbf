package com.dcmms.telemetry.deploy;

import static com.dcmms.telemetry.job.it.TelemetryJobIT.awaitExactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.EmbeddedKafka;
import com.dcmms.telemetry.devinfra.EmbeddedQuestDb;
import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.dcmms.telemetry.testkit.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.InspectContainerResponse.ContainerState;
import com.github.dockerjava.api.model.HealthCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The edge image, built from docker/Dockerfile on a local Java 17 base (no registry), runs the
 * pipeline against the real test servers: Docker reports it healthy, it is ready, a few events come
 * out exactly once, it runs as uid 10001, and SIGTERM stops it cleanly. The container uses the
 * host's network, so it reaches the servers on loopback. Skipped where no Docker engine runs.
 */
@ExtendWith({DockerEngine.class, RealServers.class})
class EdgeImageIT {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeImageIT.class);
  private static final int SENSORS = 2;
  private static final int READINGS = 3;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final String MALFORMED = "{\"event_id\": \"broken\", \"timestamp\": ";

  /** Job options that the design's variables set instead (or that only make sense on the host). */
  private static final Set<String> SET_BY_DESIGN_VARIABLES =
      Set.of(
          "kafka.bootstrap-servers",
          "questdb.host",
          "questdb.http-port",
          "parallelism",
          "checkpoint.interval",
          "checkpoint.dir");

  private final PipelineFixture fx = new PipelineFixture("edge");
  private final long base =
      Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void imageRunsHealthyAsNonRootProcessesEventsExactlyAndStopsOnSigterm() throws Exception {
    long started = System.nanoTime();
    String image = buildImages();

    List<ProducerRecord<byte[], byte[]>> corpus =
        new ArrayList<>(fx.readings(0, READINGS, SENSORS, base, "site-1", "POWER"));
    corpus.add(corpus.get(0)); // an exact repeat: dropped by the dedup state (RocksDB, via JNI)
    corpus.add(fx.raw("bad", MALFORMED));
    fx.produce(corpus);

    int port = FreePorts.loopback();
    try (GenericContainer<?> edge = container(image, port)) {
      try {
        edge.start();
        String url = "http://" + edge.getHost() + ":" + port;
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> {
                  assertThat(edge.isRunning())
                      .as(() -> "container exited:\n" + edge.getLogs())
                      .isTrue();
                  return get(url + "/q/health/ready") == 200;
                });
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () -> healthStatus(edge),
                s -> {
                  assertThat(s).as("Docker's health status").isNotEqualTo("unhealthy");
                  return s.equals("healthy");
                });

        assertExactlyOnce();
        // PID 1 is java itself (exec in the entrypoint), so it gets Docker's SIGTERM.
        assertThat(
                edge.execInContainer("sh", "-c", "stat -c %u /proc/1; cat /proc/1/comm")
                    .getStdout()
                    .lines()
                    .toList())
            .containsExactly("10001", "java");
        assertStopsCleanlyOnSigterm(edge);
        LOG.info("EdgeImageIT: {} s in all", seconds(System.nanoTime() - started));
      } finally {
        keepLogs(edge);
      }
    }
  }

  /** The base image (built when missing) and the edge image on it, with their sizes and times. */
  private static String buildImages() throws Exception {
    long started = System.nanoTime();
    String baseImage = EdgeImages.base();
    long baseReady = System.nanoTime();
    String image = EdgeImages.buildEdge(baseImage);
    LOG.info(
        "Edge image {} ({} MB) built in {} s on {} ({} MB, ready in {} s)",
        image,
        EdgeImages.sizeBytes(image) / 1_000_000,
        seconds(System.nanoTime() - baseReady),
        baseImage,
        EdgeImages.sizeBytes(baseImage) / 1_000_000,
        seconds(baseReady - started));
    if (baseImage.equals(EdgeImages.LOCAL_BASE)) {
      // What a gateway downloads: natives of other platforms and the JDK's tools stay out.
      assertThat(EdgeImages.sizeBytes(image))
          .as("edge image size in bytes")
          .isLessThanOrEqualTo(200_000_000L);
    }
    return image;
  }

  private GenericContainer<?> container(String image, int port) {
    return new GenericContainer<>(DockerImageName.parse(image))
        .withImagePullPolicy(name -> false)
        .withNetworkMode("host")
        .withEnv(environment(port))
        .withCreateContainerCmdModifier(
            cmd -> {
              // Docker merges this with the image's HEALTHCHECK: only the interval is shortened.
              cmd.withHealthcheck(new HealthCheck().withInterval(Duration.ofSeconds(2).toNanos()));
              // The memory limit k8s/edge gives the container: the service must live within it.
              cmd.getHostConfig().withMemory(768L << 20);
            })
        // Readiness is polled by the test: an HTTP wait cannot work with host networking.
        .waitingFor(
            Wait.forLogMessage(".*started in [0-9.]+s\\..*\\s", 1)
                .withStartupTimeout(Duration.ofMinutes(3)));
  }

  /** docker stop: SIGTERM, then SIGKILL after the timeout, which must not be needed. */
  private static void assertStopsCleanlyOnSigterm(GenericContainer<?> edge) {
    long stopping = System.nanoTime();
    edge.getDockerClient()
        .stopContainerCmd(edge.getContainerId())
        .withTimeout((int) STOP_TIMEOUT.toSeconds())
        .exec();
    Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
    ContainerState state = edge.getCurrentContainerInfo().getState();
    LOG.info(
        "Edge container stopped in {} ms, exit code {}",
        stopped.toMillis(),
        state.getExitCodeLong());
    assertThat(stopped).as("stop time").isLessThan(STOP_TIMEOUT);
    // 143 is the JVM's exit after SIGTERM once its shutdown hooks ran; 137 would be a kill.
    assertThat(state.getExitCodeLong()).as(edge::getLogs).isIn(0L, 143L);
    assertThat(state.getOOMKilled()).isFalse();
    assertThat(edge.getLogs()).contains("stopped with savepoint");
  }

  /**
   * The design's variables for servers, parallelism and checkpoints; the fixture's other options as
   * TELEMETRY_*.
   */
  private Map<String, String> environment(int port) {
    EmbeddedKafka kafka = RealServers.kafka();
    EmbeddedQuestDb questDb = RealServers.questDb();
    Map<String, String> env = new HashMap<>();
    Map<String, String> defaults = TelemetryJobOptions.defaults().asMap();
    fx.options(Path.of("unused"))
        .asMap()
        .forEach(
            (key, value) -> {
              if (!value.equals(defaults.get(key)) && !SET_BY_DESIGN_VARIABLES.contains(key)) {
                env.put(
                    "TELEMETRY_" + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"),
                    value);
              }
            });
    env.put("KAFKA_BROKERS", kafka.bootstrapServers());
    env.put("QUESTDB_HOST", questDb.host());
    env.put("QUESTDB_HTTP_PORT", Integer.toString(questDb.httpPort()));
    env.put("FLINK_PARALLELISM", "2");
    // RocksDB, not the service's heap default: the image keeps only some of its native libraries,
    // and this proves the one for the image's platform is among them.
    env.put("STATE_BACKEND", "rocksdb");
    env.put("CHECKPOINT_INTERVAL_MS", "1000");
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    return env;
  }

  /** Every reading once in QuestDB (with its value) and in validated_telemetry; one dead letter. */
  private void assertExactlyOnce() {
    Map<String, Double> expected = new TreeMap<>();
    for (int i = 0; i < READINGS; i++) {
      for (int s = 0; s < SENSORS; s++) {
        expected.put("s" + s + "-r" + i, com.dcmms.telemetry.testkit.Events.readingValue(s, i));
      }
    }
    awaitExactly(() -> fx.questDb().count("SELECT count() FROM " + fx.table), expected.size());
    awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), expected.size());
    awaitExactly(() -> (long) fx.readCommitted(fx.deadLetterTopic).size(), 1);

    assertThat(fx.questDb().rows("SELECT event_id, value FROM " + fx.table + " ORDER BY event_id"))
        .containsExactlyElementsOf(
            expected.entrySet().stream()
                .map(e -> List.<Object>of(e.getKey(), e.getValue()))
                .toList());
    assertThat(fx.readCommittedJson(fx.validatedTopic))
        .extracting(r -> r.get("event_id").asText())
        .containsExactlyInAnyOrderElementsOf(expected.keySet());
    JsonNode deadLetter = fx.readCommittedJson(fx.deadLetterTopic).get(0);
    assertThat(deadLetter.get("error_code").asText()).isEqualTo("INVALID_JSON");
    assertThat(deadLetter.get("payload").asText()).isEqualTo(MALFORMED);
  }

  private int get(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static String healthStatus(GenericContainer<?> edge) {
    var health = edge.getCurrentContainerInfo().getState().getHealth();
    return health == null ? "none" : health.getStatus();
  }

  private static void keepLogs(GenericContainer<?> edge) {
    if (edge.getContainerId() == null) {
      return;
    }
    try {
      Path dir = Files.createDirectories(Path.of("target", "service-logs"));
      Files.writeString(dir.resolve("edge-image.log"), edge.getLogs());
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not keep the edge container's log: {}", e.toString());
    }
  }

  private static long seconds(long nanos) {
    return Duration.ofNanos(nanos).toSeconds();
  }
}
