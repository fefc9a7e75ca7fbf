package com.dcmms.telemetry.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The calls {@code flink run} and {@code flink stop} make on a cluster's REST API: upload a jar,
 * run it (optionally from a savepoint), read a job's state, stop it with a savepoint.
 */
final class FlinkRestClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  FlinkRestClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  String baseUrl() {
    return baseUrl;
  }

  /** {@code POST /jars/upload}; returns the jar id for {@link #runJar}. */
  String uploadJar(Path jar) {
    String boundary = "----flink-jar-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      body.write(
          ("--"
                  + boundary
                  + "\r\n"
                  + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
                  + jar.getFileName()
                  + "\"\r\n"
                  + "Content-Type: application/x-java-archive\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.write(Files.readAllBytes(jar));
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
    JsonNode response =
        send(
            request("/jars/upload", Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    // The jar id is the file name under which the JobManager stored the upload.
    return Path.of(response.get("filename").asText()).getFileName().toString();
  }

  /**
   * {@code POST /jars/<id>/run}: the JobManager runs the jar's main class with these arguments;
   * {@code savepointPath} null for a fresh start. Returns the job id.
   */
  String runJar(String jarId, int parallelism, List<String> programArgs, String savepointPath) {
    ObjectNode run = JSON.createObjectNode();
    run.put("parallelism", parallelism);
    run.putArray("programArgsList")
        .addAll(programArgs.stream().map(JSON.getNodeFactory()::textNode).toList());
    if (savepointPath != null) {
      run.put("savepointPath", savepointPath);
    }
    return post("/jars/" + jarId + "/run", run, Duration.ofSeconds(60)).get("jobid").asText();
  }

  /** {@code GET /jobs/<id>}: state, vertices with their parallelism and status. */
  JsonNode job(String jobId) {
    return get("/jobs/" + jobId);
  }

  /**
   * True when the job and every one of its tasks is RUNNING (not only scheduled or initializing);
   * fails when the job has ended, with its root exception.
   */
  boolean isFullyRunning(String jobId) {
    JsonNode job = job(jobId);
    String state = job.get("state").asText();
    if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
      throw new IllegalStateException(
          "job "
              + jobId
              + " ended as "
              + state
              + ": "
              + get("/jobs/" + jobId + "/exceptions").path("root-exception").asText());
    }
    if (!"RUNNING".equals(state)) {
      return false;
    }
    for (JsonNode vertex : job.get("vertices")) {
      if (!"RUNNING".equals(vertex.get("status").asText())) {
        return false;
      }
    }
    return true;
  }

  /** {@code PATCH /jobs/<id>?mode=cancel}, as {@code flink cancel} does. */
  void cancel(String jobId) {
    send(
        request("/jobs/" + jobId + "?mode=cancel", Duration.ofSeconds(10))
            .method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  /**
   * {@code GET /jobs/<id>/checkpoints}: counts, latest completed and what the job was restored
   * from.
   */
  JsonNode checkpoints(String jobId) {
    return get("/jobs/" + jobId + "/checkpoints");
  }

  /** {@code GET /taskmanagers}: every registered TaskManager with its slots. */
  JsonNode taskManagers() {
    return get("/taskmanagers").get("taskmanagers");
  }

  /**
   * {@code POST /jobs/<id>/stop} without draining; returns the trigger id for {@link
   * #savepointStatus}.
   */
  String triggerStopWithSavepoint(String jobId, String targetDirectory) {
    ObjectNode stop = JSON.createObjectNode();
    stop.put("targetDirectory", targetDirectory);
    stop.put("drain", false);
    return post("/jobs/" + jobId + "/stop", stop, Duration.ofSeconds(10))
        .get("request-id")
        .asText();
  }

  /**
   * {@code GET /jobs/<id>/savepoints/<trigger>}: {@code status.id} and, once done, {@code
   * operation}.
   */
  JsonNode savepointStatus(String jobId, String triggerId) {
    return get("/jobs/" + jobId + "/savepoints/" + triggerId);
  }

  JsonNode get(String path) {
    return send(request(path, Duration.ofSeconds(10)).GET());
  }

  private JsonNode post(String path, JsonNode body, Duration timeout) {
    return send(
        request(path, timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpRequest r = request.build();
    HttpResponse<String> response;
    try {
      response = http.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(r.method() + " " + r.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during " + r.method() + " " + r.uri(), e);
    }
    if (response.statusCode() / 100 != 2) {
      // Flink answers errors as {"errors": [...]}, with the cause's stack trace for a failed run.
      throw new IllegalStateException(
          r.method()
              + " "
              + r.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON from " + r.uri() + ": " + response.body(), e);
    }
  }
}
