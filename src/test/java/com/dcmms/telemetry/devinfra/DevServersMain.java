package com.dcmms.telemetry.devinfra;

import com.dcmms.telemetry.host.dev.DevServices;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.configuration.PropertyLogContextConfigurator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev-mode child process of the service: a real Kafka broker (127.0.0.1:9092), QuestDB (HTTP 9000,
 * PG 8812), the pipeline's topics and the demo generator, announced by one {@value #READY} line on
 * stdout.
 *
 * <p>Usage: {@code java [-Ddev.kafka.port=9092] [-Ddev.questdb.http-port=9000]
 * [-Ddev.questdb.pg-port=8812] [-Ddev.demo.rate=20] [-Ddev.exit-on-stdin-eof=true] -cp
 * target/test-classes:<test classpath> com.dcmms.telemetry.devinfra.DevServersMain [dataDir,
 * default target/dev-data]}. It exits when its standard input reaches end of file, i.e. when the
 * parent that holds the pipe closes it or dies, so it is never left orphaned. Lines on its standard
 * input are commands: {@code questdb stop} and {@code questdb start}, each answered by a line.
 */
public final class DevServersMain implements AutoCloseable {

  static {
    // Before the first logger exists: slf4j here is bound to JBoss LogManager, which must own
    // java.util.logging.
    // The launcher may pass -Djava.util.logging.manager itself; this only fills in a missing one.
    if (System.getProperty("java.util.logging.manager") == null) {
      System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
    }
  }

  /** The start of the one line that tells the parent both servers are up and the topics exist. */
  public static final String READY = DevServices.READY;

  /** Commands on stdin, and the starts of their answers on stdout. */
  static final String QUESTDB_STOP = "questdb stop";

  static final String QUESTDB_START = "questdb start";
  static final String QUESTDB_STOPPED = "DEV-SERVERS QUESTDB STOPPED";
  static final String QUESTDB_STARTED = "DEV-SERVERS QUESTDB STARTED";
  static final String COMMAND_FAILED = "DEV-SERVERS COMMAND FAILED: ";
  static final List<String> TOPICS =
      List.of("raw_telemetry", "validated_telemetry", "telemetry_dlq");
  static final int PARTITIONS = 8;

  private static final Logger LOG = LoggerFactory.getLogger(DevServersMain.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(15);

  private final Path dataDir;
  private final int kafkaPort;
  private final int httpPort;
  private final int pgPort;
  private final double demoRate;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean closing;
  private volatile EmbeddedKafka kafka;
  private volatile EmbeddedQuestDb questDb;
  private volatile DemoGenerator generator;

  DevServersMain(Path dataDir, int kafkaPort, int httpPort, int pgPort, double demoRate) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    this.kafkaPort = kafkaPort;
    this.httpPort = httpPort;
    this.pgPort = pgPort;
    this.demoRate = demoRate;
  }

  public static void main(String[] args) throws InterruptedException {
    // Here, not in a static initializer: tests load this class in their own JVM, whose logging is
    // not ours to change.
    configureLogging();
    DevServersMain servers =
        new DevServersMain(
            Path.of(args.length > 0 ? args[0] : "target/dev-data"),
            (int) numberProperty("dev.kafka.port", 9092),
            (int) numberProperty("dev.questdb.http-port", 9000),
            (int) numberProperty("dev.questdb.pg-port", 8812),
            numberProperty("dev.demo.rate", 20));
    Runtime.getRuntime()
        .addShutdownHook(new Thread(servers::closeWithinLimit, "dev-servers-shutdown"));
    if (Boolean.parseBoolean(System.getProperty("dev.exit-on-stdin-eof", "true"))) {
      watchStdin(servers);
    }
    try {
      servers.start();
    } catch (PortsInUse e) {
      LOG.error(
          "Dev servers cannot start: {}",
          e.getMessage()); // the user's to fix; a stack trace would only hide it
      System.err.println("DEV-SERVERS FAILED: " + e.getMessage());
      System.exit(1);
    } catch (RuntimeException e) {
      LOG.error("Dev servers failed to start", e);
      System.err.println("DEV-SERVERS FAILED: " + e.getMessage());
      System.exit(1); // the shutdown hook stops whatever did start
    }
    System.out.println(servers.readyLine());
    System.out.flush();
    servers.closed.await();
  }

  /**
   * Starts both servers side by side (most of their start-up is class loading), then the topics and
   * the generator.
   */
  void start() {
    long started = System.nanoTime();
    requireFreePorts();
    CompletableFuture<EmbeddedQuestDb> questDbStart =
        CompletableFuture.supplyAsync(
            () -> EmbeddedQuestDb.start(dataDir.resolve("questdb"), httpPort, pgPort),
            runnable -> new Thread(runnable, "questdb-starter").start());
    try {
      kafka = EmbeddedKafka.startOnPort(dataDir.resolve("kafka"), kafkaPort);
    } catch (RuntimeException e) {
      // Wait for QuestDB, so that close() stops it too.
      questDbStart.thenAccept(server -> questDb = server).exceptionally(ignored -> null).join();
      throw e;
    }
    try {
      questDb = questDbStart.join();
    } catch (CompletionException e) {
      throw new IllegalStateException(
          "QuestDB did not start with data in "
              + dataDir.resolve("questdb")
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    }
    kafka.createTopicsIfMissing(PARTITIONS, TOPICS.toArray(String[]::new));
    applyTopicDefaults();
    if (demoRate > 0 && !closing) {
      generator = DemoGenerator.start(kafka.bootstrapServers(), TOPICS.get(0), demoRate);
    }
    LOG.info(
        "Dev servers up in {} ms: Kafka {}, QuestDB console http://localhost:{}, PG {}, data in {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        kafka.bootstrapServers(),
        questDb.httpPort(),
        questDb.pgPort(),
        dataDir);
  }

  String readyLine() {
    return READY
        + " kafka="
        + kafka.bootstrapServers()
        + " questdb-http="
        + questDb.httpPort()
        + " questdb-pg="
        + questDb.pgPort();
  }

  /**
   * Stops the generator first (it flushes into Kafka), then both servers, keeping their data for
   * the next run.
   */
  @Override
  public void close() {
    closing = true;
    List<AutoCloseable> resources = new ArrayList<>();
    resources.add(generator);
    resources.add(kafka);
    resources.add(questDb);
    for (AutoCloseable resource : resources) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          LOG.warn(
              "Could not stop {} cleanly: {}", resource.getClass().getSimpleName(), e.toString());
        }
      }
    }
    closed.countDown();
  }

  /** A broker stuck in shutdown must not keep the process alive after its parent is gone. */
  private void closeWithinLimit() {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                if (closed.await(SHUTDOWN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                  return;
                }
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(
                  "Dev servers did not stop within " + SHUTDOWN_LIMIT.toSeconds() + " s; halting");
              Runtime.getRuntime().halt(2);
            },
            "dev-servers-shutdown-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    LOG.info("Stopping dev servers (data kept in {})", dataDir);
    close();
  }

  /**
   * A number from a system property; a typo must fail loudly rather than quietly fall back to the
   * default.
   */
  private static double numberProperty(String name, double defaultValue) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "-D" + name + " must be a number but was '" + value + "'", e);
    }
  }

  /** Fails before anything starts, naming the taken port and what the user can do instead. */
  private void requireFreePorts() {
    List<String> problems = new ArrayList<>();
    if (!isFree(kafkaPort)) {
      problems.add(
          "Kafka port "
              + HOST
              + ":"
              + kafkaPort
              + " is already in use (another broker?): stop it, or set"
              + " KAFKA_BROKERS to use that broker instead of the dev one, or choose -Ddev.kafka.port");
    }
    if (!isFree(httpPort)) {
      problems.add(
          "QuestDB HTTP port "
              + HOST
              + ":"
              + httpPort
              + " is already in use (another QuestDB?): stop it,"
              + " or set QUESTDB_HOST to use that server instead of the dev one, or choose -Ddev.questdb.http-port");
    }
    if (!isFree(pgPort)) {
      problems.add(
          "QuestDB PostgreSQL port "
              + HOST
              + ":"
              + pgPort
              + " is already in use (PostgreSQL, another"
              + " QuestDB?): stop it, or set QUESTDB_HOST to use an existing QuestDB, or choose -Ddev.questdb.pg-port");
    }
    if (!problems.isEmpty()) {
      throw new PortsInUse(String.join("; ", problems));
    }
  }

  private static boolean isFree(int port) {
    if (port == 0) {
      return true;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(HOST, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Local topics as the design has them (lz4, 7 days); set every time, which is harmless for
   * existing topics.
   */
  private void applyTopicDefaults() {
    Collection<AlterConfigOp> ops =
        List.of(
            new AlterConfigOp(
                new ConfigEntry(TopicConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                AlterConfigOp.OpType.SET),
            new AlterConfigOp(
                new ConfigEntry(
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(TimeUnit.DAYS.toMillis(7))),
                AlterConfigOp.OpType.SET));
    Map<ConfigResource, Collection<AlterConfigOp>> request = new HashMap<>();
    TOPICS.forEach(topic -> request.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), ops));
    try {
      kafka.admin().incrementalAlterConfigs(request).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // Only a default for local runs: the topics work without it.
      LOG.warn("Could not set lz4 and 7-day retention on {}: {}", TOPICS, e.toString());
    }
  }

  /**
   * Applies {@code logging.properties} from the classpath. Outside Quarkus nobody does: the Quarkus
   * bootstrap jar on the test classpath installs a root handler that only buffers until Quarkus
   * starts, so it is removed too.
   */
  private static void configureLogging() {
    org.jboss.logmanager.Logger root = LogContext.getSystemLogContext().getLogger("");
    Handler[] before = root.getHandlers();
    try (InputStream config =
        DevServersMain.class.getClassLoader().getResourceAsStream("logging.properties")) {
      if (config == null) {
        System.err.println(
            "No logging.properties on the classpath; dev servers log with the defaults");
        return;
      }
      new PropertyLogContextConfigurator().configure(LogContext.getSystemLogContext(), config);
    } catch (IOException | RuntimeException e) {
      System.err.println("Could not apply logging.properties: " + e);
      return;
    }
    for (Handler handler : before) {
      root.removeHandler(handler);
    }
  }

  /**
   * The parent holds our stdin pipe; end of file means it closed it or died, and we must not
   * outlive it. Lines on it are commands ({@link #command}), each answered by one line on stdout.
   */
  private static void watchStdin(DevServersMain servers) {
    Thread watcher =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  if (!line.isBlank()) {
                    String answer = servers.command(line.trim());
                    System.out.println(answer);
                    System.out.flush();
                  }
                }
              } catch (IOException e) {
                // A broken pipe says the same as end of file.
              }
              LOG.info(
                  "Standard input closed (the parent process is gone or asked us to stop); shutting down");
              System.exit(0);
            },
            "dev-servers-stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Runs one command of the parent: {@value #QUESTDB_STOP} and {@value #QUESTDB_START}, so that a
   * benchmark can take QuestDB away under a running pipeline and bring it back (same data, same
   * ports). Returns the answer line.
   */
  String command(String line) {
    EmbeddedQuestDb server = questDb;
    if (server == null) {
      return COMMAND_FAILED + line + ": the servers are not up yet";
    }
    try {
      switch (line) {
        case QUESTDB_STOP -> {
          server.stop();
          return QUESTDB_STOPPED;
        }
        case QUESTDB_START -> {
          server.start();
          return QUESTDB_STARTED + " http=" + server.httpPort() + " pg=" + server.pgPort();
        }
        default -> {
          return COMMAND_FAILED
              + "unknown command '"
              + line
              + "'; known: "
              + QUESTDB_STOP
              + ", "
              + QUESTDB_START;
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Command '{}' failed", line, e);
      return COMMAND_FAILED + line + ": " + e.getMessage();
    }
  }

  /** A port the dev servers need is taken: a situation for the user to resolve, not a bug. */
  private static final class PortsInUse extends IllegalStateException {
    PortsInUse(String message) {
      super(message);
    }
  }
}
