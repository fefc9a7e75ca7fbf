package com.dcmms.telemetry.host;

import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.faults.PipelineCounters;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.dcmms.telemetry.testkit.ChildProcess;
import com.dcmms.telemetry.testkit.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) run as a separate process; its
 * output goes to a log file under {@code target/service-logs/}.
 */
final class ServiceProcess implements AutoCloseable {
  private final ChildProcess child;
  private final int httpPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private ServiceProcess(ChildProcess child, int httpPort) {
    this.child = child;
    this.httpPort = httpPort;
  }

  static ServiceProcess start(String name, Map<String, String> properties) throws IOException {
    return start(name, properties, Map.of());
  }

  /** With these environment variables too: the way secrets reach a real deployment. */
  static ServiceProcess start(String name, Map<String, String> properties, Map<String, String> env)
      throws IOException {
    int port = FreePorts.loopback();
    List<String> command = new ArrayList<>(List.of(ChildProcess.java(), "-Xmx768m"));
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-Dquarkus.http.port=" + port);
    command.add("-jar");
    command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
    // Ready is what /q/health/ready says (awaitReady), not a line of its log.
    ChildProcess child =
        ChildProcess.start(
            name,
            command,
            env,
            Path.of("target", "service-logs").resolve(name + ".log"),
            ChildProcess.NO_READY_LINE);
    return new ServiceProcess(child, port);
  }

  /**
   * The service's properties for a fixture: its topics, table and group, checkpoints under {@code
   * dir}, Flink's temporary files under {@code dir/work}.
   */
  static Map<String, String> properties(PipelineFixture fx, Path dir) {
    Map<String, String> props = new HashMap<>();
    fx.options(dir.resolve("checkpoints"))
        .asMap()
        .forEach((k, v) -> props.put("telemetry." + k, v));
    props.put("telemetry.service.work-dir", dir.resolve("work").toString());
    return props;
  }

  /** Waits until the service reports ready; fails at once when it exits. */
  void awaitReady() {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (!child.alive()) {
                throw new AssertionError("service exited:\n" + output());
              }
              return get("/q/health/ready") == 200;
            });
  }

  /** Completed checkpoints of the running job, from {@code GET /api/checkpoints}. */
  long completedCheckpoints() throws IOException, InterruptedException {
    return PipelineFixture.JSON.readTree(body("/api/checkpoints")).get("completed").asLong();
  }

  /** The pipeline's counters of this run, from {@code GET /q/metrics}. */
  PipelineCounters counters() {
    try {
      return PipelineCounters.fromPrometheus(body("/q/metrics"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int get(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  String body(String path) throws IOException, InterruptedException {
    return fetch(path).body();
  }

  /** Status and body of a GET. */
  record Reply(int status, String body) {}

  Reply fetch(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  /**
   * One named check of a health response; SmallRye lists the checks in no fixed order, so they are
   * found by name, never by position.
   */
  static JsonNode check(String health, String name) throws IOException {
    for (JsonNode c : PipelineFixture.JSON.readTree(health).path("checks")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no " + name + " check in " + health);
  }

  /** A request with HTTP basic credentials, or none when {@code user} is null. */
  HttpResponse<String> send(String method, String path, String user, String password)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null) {
      request.header(
          "Authorization",
          "Basic "
              + java.util.Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  Process process() {
    return child.process();
  }

  /** Where the service listens, {@code 127.0.0.1:<port>}, as a Prometheus scrape target. */
  String address() {
    return "127.0.0.1:" + httpPort;
  }

  /** Sends SIGTERM and waits for the exit. */
  boolean terminate(long seconds) throws InterruptedException {
    return child.terminate(Duration.ofSeconds(seconds));
  }

  /** Sends SIGKILL, as {@code kill -9} would, and waits for the exit. */
  void kill() throws InterruptedException {
    child.kill();
  }

  String output() {
    return child.output();
  }

  boolean printed(String text) {
    return output().contains(text);
  }

  @Override
  public void close() {
    child.process().toHandle().destroyForcibly();
  }
}
