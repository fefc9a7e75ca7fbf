package com.dcmms.telemetry.monitoring;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port, with its
 * data in a temporary directory, scraping one target every second and evaluating the shipped alert
 * rules every second. Its log goes to {@code target/prometheus-logs/<name>.log}.
 */
public final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String baseUrl;
  private final Path log;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, String baseUrl, Path log) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.log = log;
  }

  /**
   * Starts Prometheus scraping {@code metricsPath} on {@code target} (host:port); waits until it is
   * ready.
   */
  public static PrometheusServer start(String name, Path dir, String target, String metricsPath)
      throws IOException {
    Path binary = onPath("prometheus");
    int port;
    try (java.net.ServerSocket probe =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Files.createDirectories(dir);
    Path config =
        Files.writeString(
            dir.resolve("prometheus.yml"),
            String.join(
                "\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "  evaluation_interval: 1s",
                "rule_files:",
                "  - " + MonitoringFiles.RULES.toAbsolutePath(),
                "scrape_configs:",
                "  - job_name: " + name,
                "    metrics_path: " + metricsPath,
                "    static_configs:",
                "      - targets: ['" + target + "']",
                ""),
            StandardCharsets.UTF_8);
    Path log = Files.createDirectories(Path.of("target", "prometheus-logs")).resolve(name + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusServer server = new PrometheusServer(process, "http://127.0.0.1:" + port, log);
    try {
      await("Prometheus ready")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError("Prometheus exited:\n" + server.output());
                }
                return server.status("/-/ready") == 200;
              });
    } catch (RuntimeException | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The active alerts (pending or firing) of {@code GET /api/v1/alerts}. */
  public List<JsonNode> alerts() throws IOException, InterruptedException {
    List<JsonNode> alerts = new ArrayList<>();
    get("/api/v1/alerts").at("/data/alerts").forEach(alerts::add);
    return alerts;
  }

  /**
   * The health of every scrape target ({@code up}, {@code down}, {@code unknown}) and its last
   * error.
   */
  public List<String> targetHealth() throws IOException, InterruptedException {
    List<String> health = new ArrayList<>();
    get("/api/v1/targets")
        .at("/data/activeTargets")
        .forEach(
            t ->
                health.add(
                    t.path("health").asText()
                        + (t.path("lastError").asText().isEmpty()
                            ? ""
                            : " (" + t.path("lastError").asText() + ")")));
    return health;
  }

  /**
   * The type Prometheus recorded for a metric from its scrapes ({@code /api/v1/metadata}); empty if
   * unknown.
   */
  public String metadataType(String metric) throws IOException, InterruptedException {
    return get("/api/v1/metadata?metric="
            + java.net.URLEncoder.encode(metric, StandardCharsets.UTF_8))
        .at("/data/" + metric + "/0/type")
        .asText();
  }

  /** The value of an instant query's first sample; NaN when the result is empty. */
  public double query(String promql) throws IOException, InterruptedException {
    JsonNode result =
        get("/api/v1/query?query=" + java.net.URLEncoder.encode(promql, StandardCharsets.UTF_8))
            .at("/data/result");
    return result.isEmpty() ? Double.NaN : result.get(0).at("/value/1").asDouble();
  }

  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "Prometheus answered " + response.statusCode() + " to " + path + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private int status(String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(baseUrl + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** An executable on the PATH; a missing one fails the test with how to install it. */
  static Path onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        name
            + " is not on the PATH: install Debian's prometheus package "
            + "(apt-get install -y prometheus), as .ci/run does");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
