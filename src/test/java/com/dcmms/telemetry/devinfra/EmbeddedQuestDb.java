package com.dcmms.telemetry.devinfra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.questdb.ServerMain;
import io.questdb.log.LogFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real QuestDB server in this JVM, bound to 127.0.0.1, with an HTTP {@code /exec} helper for
 * assertions; optionally with HTTP basic authentication on SQL and ILP ({@link
 * #startWithBasicAuth}).
 */
public final class EmbeddedQuestDb implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedQuestDb.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(30);
  // QuestDB has its own logging (not slf4j); this keeps only errors, on stdout.
  private static final String QUIET_LOG_CONF =
      """
            writers=stdout
            w.stdout.class=io.questdb.log.LogConsoleWriter
            w.stdout.level=ERROR,CRITICAL
            """;

  private final Path root;
  private final ObjectMapper json = new ObjectMapper();
  private final String user;
  private final String password;
  private int httpPort;
  private int pgPort;
  private ServerMain server;
  private HttpClient http;

  private EmbeddedQuestDb(Path root, int httpPort, int pgPort, String user, String password) {
    this.root = root;
    this.httpPort = httpPort;
    this.pgPort = pgPort;
    this.user = user;
    this.password = password;
  }

  /** Starts a server with its data under {@code root}, on ports chosen by the OS. */
  public static EmbeddedQuestDb start(Path root) {
    return start(root, 0, 0);
  }

  /**
   * Starts a server on fixed ports (dev mode: HTTP 9000 with the web console, PG wire 8812; 0 lets
   * the OS pick) with its data under {@code root}; an existing root, tables included, is opened as
   * it is.
   */
  public static EmbeddedQuestDb start(Path root, int httpPort, int pgPort) {
    if (httpPort < 0 || httpPort > 65535 || pgPort < 0 || pgPort > 65535) {
      throw new IllegalArgumentException(
          "QuestDB ports must be 0..65535 but were http " + httpPort + ", pg " + pgPort);
    }
    EmbeddedQuestDb questDb =
        new EmbeddedQuestDb(root.toAbsolutePath(), httpPort, pgPort, null, null);
    questDb.start();
    return questDb;
  }

  /**
   * Starts a server, on ports chosen by the OS, that answers HTTP clients (SQL {@code /exec}, ILP
   * {@code /write}) only with this user and password (open-source QuestDB's {@code http.user} and
   * {@code http.password}); {@link #exec} and {@link #ilpHttpConfig} send them.
   */
  public static EmbeddedQuestDb startWithBasicAuth(Path root, String user, String password) {
    if (user == null || user.isEmpty() || password == null || password.isEmpty()) {
      throw new IllegalArgumentException("QuestDB basic auth needs a user and a password");
    }
    EmbeddedQuestDb questDb = new EmbeddedQuestDb(root.toAbsolutePath(), 0, 0, user, password);
    questDb.start();
    return questDb;
  }

  /**
   * (Re)starts the server on the same root and, after the first start, the same ports; no-op when
   * running.
   */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    long started = System.nanoTime();
    configureQuietLogging();
    ServerMain starting = null;
    try {
      starting = ServerMain.create(root.toString(), serverEnv());
      starting.start();
      // Port 0 on the first start lets the OS pick; restarts reuse the bound ports so clients keep
      // working.
      httpPort = starting.getHttpServerPort();
      pgPort = starting.getPgWireServerPort();
    } catch (RuntimeException | Error e) {
      if (starting != null) {
        starting.close();
      }
      throw new IllegalStateException(
          "QuestDB failed to start with root "
              + root
              + (httpPort == 0 && pgPort == 0
                  ? ""
                  : " on HTTP port "
                      + httpPort
                      + ", PG port "
                      + pgPort
                      + " (is one of them already in use?)"),
          e);
    }
    server = starting;
    // A fresh client: pooled connections to the previous server instance are dead.
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    LOG.info(
        "QuestDB running on http {}:{} pg {}{} in {} ms",
        HOST,
        httpPort,
        pgPort,
        hasAuth() ? " with HTTP basic auth for user " + user : "",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** Stops the server, keeping its data and ports for {@link #start()}. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    ServerMain stopping = server;
    server = null;
    stopping.close();
    LOG.info("QuestDB stopped (http {}:{})", HOST, httpPort);
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  public String host() {
    return HOST;
  }

  public synchronized int httpPort() {
    return httpPort;
  }

  public synchronized int pgPort() {
    return pgPort;
  }

  public Path root() {
    return root;
  }

  /** Whether HTTP clients must authenticate ({@link #startWithBasicAuth}). */
  public boolean hasAuth() {
    return user != null;
  }

  /** The user HTTP clients must send, or null without authentication. */
  public String user() {
    return user;
  }

  /** The password HTTP clients must send, or null without authentication. */
  public String password() {
    return password;
  }

  /** The ILP-over-HTTP configuration string for {@code io.questdb.client.Sender.fromConfig}. */
  public String ilpHttpConfig() {
    return "http::addr="
        + HOST
        + ":"
        + httpPort()
        + ";"
        + (hasAuth() ? "username=" + user + ";password=" + password + ";" : "");
  }

  /**
   * Runs {@code sql} over HTTP {@code /exec} and returns the JSON body; non-200 answers throw with
   * the body.
   */
  public String exec(String sql) {
    HttpClient client;
    int port;
    synchronized (this) {
      if (server == null) {
        throw new IllegalStateException("QuestDB is stopped; cannot run: " + sql);
      }
      client = http;
      port = httpPort;
    }
    // URLEncoder writes spaces as '+', which /exec would keep literally.
    String query = URLEncoder.encode(sql, StandardCharsets.UTF_8).replace("+", "%20");
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/exec?query=" + query))
            .timeout(QUERY_TIMEOUT)
            .GET();
    if (hasAuth()) {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> response;
    try {
      response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("QuestDB /exec on port " + port + " failed for: " + sql, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running on QuestDB: " + sql, e);
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "QuestDB answered HTTP "
              + response.statusCode()
              + " to: "
              + sql
              + "\n"
              + response.body());
    }
    return response.body();
  }

  /**
   * The {@code dataset} of a query's JSON answer, as rows of Jackson-mapped values (numbers,
   * strings, booleans, nulls).
   */
  public List<List<Object>> rows(String sql) {
    String body = exec(sql);
    JsonNode dataset;
    try {
      dataset = json.readTree(body).get("dataset");
    } catch (IOException e) {
      throw new IllegalStateException("QuestDB answered invalid JSON to: " + sql + "\n" + body, e);
    }
    if (dataset == null || !dataset.isArray()) {
      throw new IllegalStateException(
          "QuestDB answer has no dataset (not a query?): " + sql + "\n" + body);
    }
    List<List<Object>> rows = new ArrayList<>(dataset.size());
    for (JsonNode row : dataset) {
      @SuppressWarnings("unchecked")
      List<Object> values = json.convertValue(row, List.class);
      rows.add(values);
    }
    return rows;
  }

  /** The single number answered by a query such as {@code select count() from t}. */
  public long count(String sql) {
    List<List<Object>> rows = rows(sql);
    if (rows.size() != 1
        || rows.get(0).size() != 1
        || !(rows.get(0).get(0) instanceof Number number)) {
      throw new IllegalStateException(
          "Expected one numeric value from: " + sql + " but got " + rows);
    }
    return number.longValue();
  }

  @Override
  public void close() {
    stop();
  }

  private Map<String, String> serverEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("QDB_HTTP_BIND_TO", HOST + ":" + httpPort);
    env.put("QDB_PG_NET_BIND_TO", HOST + ":" + pgPort);
    // ILP goes over HTTP in this project; the TCP/UDP receivers and the health server only cost
    // ports.
    env.put("QDB_LINE_TCP_ENABLED", "false");
    env.put("QDB_LINE_UDP_ENABLED", "false");
    env.put("QDB_HTTP_MIN_ENABLED", "false");
    env.put("QDB_TELEMETRY_ENABLED", "false");
    env.put("QDB_TELEMETRY_DISABLE_COMPLETELY", "true");
    if (hasAuth()) {
      // Open-source QuestDB's one HTTP user: /exec, /exp, /chk and ILP /write ask for it (not
      // /settings).
      env.put("QDB_HTTP_USER", user);
      env.put("QDB_HTTP_PASSWORD", password);
    }
    return env;
  }

  /**
   * QuestDB reads {@code conf/log.conf} only if its log factory is first created after the root is
   * known.
   */
  private void configureQuietLogging() {
    Path logConf = root.resolve("conf").resolve(LogFactory.DEFAULT_CONFIG_NAME);
    try {
      Files.createDirectories(logConf.getParent());
      Files.writeString(logConf, QUIET_LOG_CONF, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write QuestDB log config " + logConf, e);
    }
    LogFactory.configureRootDir(root.toString());
    LogFactory.getInstance();
  }
}
