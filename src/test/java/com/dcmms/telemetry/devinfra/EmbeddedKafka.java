package com.dcmms.telemetry.devinfra;

import com.dcmms.telemetry.testkit.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single-node Kafka KRaft server (combined broker+controller) in this JVM, built on KafkaRaftServer
 * rather than the test kit because the kit cannot restart a node on the same data dir and port.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);

  static {
    // A fatal broker fault must fail the test, not halt the Surefire JVM.
    Exit.setExitProcedure(
        (status, message) -> {
          throw new IllegalStateException(
              "Embedded Kafka tried to exit the JVM (status " + status + "): " + message);
        });
    Exit.setHaltProcedure(
        (status, message) -> {
          throw new IllegalStateException(
              "Embedded Kafka tried to halt the JVM (status " + status + "): " + message);
        });
  }

  private final Path dataDir;
  private final Path logDir;
  private final int brokerPort;
  private final int controllerPort;

  /** The SASL_SSL client listener, or null for the default PLAINTEXT one. */
  private final SecuredListener secured;

  private KafkaRaftServer server;
  private Admin admin;

  private EmbeddedKafka(Path dataDir, int brokerPort, int controllerPort, SecuredListener secured) {
    this.dataDir = dataDir;
    this.logDir = dataDir.resolve("kraft-combined-logs");
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
    this.secured = secured;
  }

  /** Formats {@code dataDir} if needed and starts a broker on free loopback ports. */
  public static EmbeddedKafka start(Path dataDir) {
    return startWithRetries(dataDir, 0, null);
  }

  /**
   * Like {@link #start} but clients must use SASL_SSL with SCRAM-SHA-512 as {@code username}/{@code
   * password} (set at format time, so a fresh {@code dataDir} is needed) and trust a certificate
   * made for this broker. {@link #clientProperties()} and {@link #admin()} carry the right
   * credentials.
   */
  public static EmbeddedKafka startSecured(Path dataDir, String username, String password) {
    if (Files.exists(dataDir.resolve("kraft-combined-logs").resolve("meta.properties"))) {
      throw new IllegalArgumentException(
          "A secured broker needs a fresh data dir: its users are set at format time");
    }
    SecuredListener secured =
        SecuredListener.create(dataDir.toAbsolutePath().resolve("tls"), username, password);
    return startWithRetries(dataDir, 0, secured);
  }

  /**
   * Starts a broker on the fixed {@code brokerPort} (e.g. 9092 for dev mode) and a free controller
   * port, formatting {@code dataDir} only if it holds no Kafka storage yet, so a restart keeps its
   * topics.
   */
  public static EmbeddedKafka startOnPort(Path dataDir, int brokerPort) {
    if (brokerPort <= 0 || brokerPort > 65535) {
      throw new IllegalArgumentException("Kafka port must be 1..65535 but was " + brokerPort);
    }
    return startWithRetries(dataDir, brokerPort, null);
  }

  /**
   * {@code fixedBrokerPort} 0 means a free one; the controller port is always free, which KRaft
   * allows because a static quorum reads its voters from the configuration, not from the formatted
   * storage.
   */
  private static EmbeddedKafka startWithRetries(
      Path dataDir, int fixedBrokerPort, SecuredListener secured) {
    Path dir = dataDir.toAbsolutePath();
    RuntimeException lastFailure = null;
    // A probed port can be taken by someone else before Kafka binds it; a fresh pair fixes that.
    for (int attempt = 1; attempt <= 3; attempt++) {
      int[] ports = FreePorts.loopback(2);
      int brokerPort = fixedBrokerPort == 0 ? ports[0] : fixedBrokerPort;
      EmbeddedKafka kafka = new EmbeddedKafka(dir, brokerPort, ports[1], secured);
      try {
        kafka.formatIfNeeded();
        kafka.restart();
        return kafka;
      } catch (RuntimeException e) {
        lastFailure = e;
        kafka.close();
        LOG.warn(
            "Embedded Kafka failed to start on ports {}/{} (attempt {}): {}",
            brokerPort,
            ports[1],
            attempt,
            e.toString());
        if (fixedBrokerPort != 0 && !isFree(fixedBrokerPort)) {
          // Another attempt cannot help: the port we were told to use is taken.
          throw new IllegalStateException(
              "Kafka port "
                  + HOST
                  + ":"
                  + fixedBrokerPort
                  + " is already in use by another process",
              e);
        }
      }
    }
    throw new IllegalStateException("Embedded Kafka did not start in " + dir, lastFailure);
  }

  /**
   * The broker's client address (PLAINTEXT, or SASL_SSL when secured), e.g. {@code
   * 127.0.0.1:40123}; stable across restarts.
   */
  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Client properties with {@code bootstrap.servers} and, when secured, the right credentials, to
   * be extended by the caller.
   */
  public Properties clientProperties() {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.putAll(clientSecurity());
    return props;
  }

  /**
   * The security settings clients need (empty for PLAINTEXT), e.g. for {@code kafka.property.*}
   * options.
   */
  public Map<String, String> clientSecurity() {
    return secured == null ? Map.of() : secured.clientProperties();
  }

  /** The secured listener (credentials and trust store), or empty for a PLAINTEXT broker. */
  public Optional<SecuredListener> secured() {
    return Optional.ofNullable(secured);
  }

  /**
   * A shared admin client; it survives {@link #stop()}/{@link #restart()} and is closed by {@link
   * #close()}.
   */
  public synchronized Admin admin() {
    if (admin == null) {
      admin = newAdmin();
    }
    return admin;
  }

  /** A new admin client owned (and closed) by the caller. */
  public Admin newAdmin() {
    Properties props = clientProperties();
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(props);
  }

  /**
   * Creates the topics (replication factor 1) and returns once every partition answers ListOffsets:
   * records produced before that can be lost on Kafka 4.2.0 (KAFKA-15591). Throws if one exists.
   */
  public void createTopics(int partitions, String... names) {
    createAndAwait(partitions, false, names);
  }

  /**
   * Like {@link #createTopics} but keeps topics that already exist (say, after a restart), whatever
   * their partition count.
   */
  public void createTopicsIfMissing(int partitions, String... names) {
    createAndAwait(partitions, true, names);
  }

  private void createAndAwait(int partitions, boolean keepExisting, String... names) {
    Map<String, Integer> partitionCounts = new HashMap<>();
    try {
      if (keepExisting) {
        admin()
            .describeTopics(existing(names))
            .allTopicNames()
            .get(TOPIC_READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
            .forEach(
                (name, description) -> partitionCounts.put(name, description.partitions().size()));
      }
      List<NewTopic> topics =
          Arrays.stream(names)
              .filter(name -> !partitionCounts.containsKey(name))
              .map(name -> new NewTopic(name, partitions, (short) 1))
              .toList();
      admin()
          .createTopics(topics, new CreateTopicsOptions().timeoutMs(30_000))
          .all()
          .get(TOPIC_READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      topics.forEach(topic -> partitionCounts.put(topic.name(), partitions));
    } catch (ExecutionException | TimeoutException e) {
      // Topics outlive a test class (one broker per run), so a clash usually means a reused name.
      throw new IllegalStateException(
          "Could not create topics "
              + Arrays.toString(names)
              + " with "
              + partitions
              + " partitions on "
              + bootstrapServers()
              + (keepExisting ? "" : " (topic names must be unique per test run)"),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while creating topics " + Arrays.toString(names), e);
    }
    awaitPartitionsReadable(partitionCounts);
  }

  private List<String> existing(String... names)
      throws ExecutionException, TimeoutException, InterruptedException {
    Set<String> all =
        admin().listTopics().names().get(TOPIC_READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return Arrays.stream(names).filter(all::contains).toList();
  }

  /** Stops the broker, keeping its data; {@link #restart()} brings it back on the same port. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    KafkaRaftServer stopping = server;
    server = null;
    stopping.shutdown();
    stopping.awaitShutdown();
    LOG.info("Embedded Kafka stopped ({})", bootstrapServers());
  }

  /** Starts the broker on the same data dir and ports; no-op when it is running. */
  public synchronized void restart() {
    if (server != null) {
      return;
    }
    long started = System.nanoTime();
    KafkaRaftServer starting =
        new KafkaRaftServer(new KafkaConfig(brokerConfig(), false), Time.SYSTEM);
    try {
      starting.startup();
    } catch (RuntimeException e) {
      IllegalStateException failure =
          new IllegalStateException(
              "Embedded Kafka failed to start on "
                  + bootstrapServers()
                  + " with data in "
                  + dataDir,
              e);
      try {
        starting.shutdown();
        starting.awaitShutdown();
      } catch (RuntimeException cleanupFailure) {
        failure.addSuppressed(cleanupFailure);
      }
      throw failure;
    }
    server = starting;
    awaitBrokerRegistered();
    LOG.info(
        "Embedded Kafka running on {} in {} ms",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Override
  public synchronized void close() {
    try {
      if (admin != null) {
        admin.close(Duration.ofSeconds(5));
        admin = null;
      }
    } finally {
      stop();
    }
  }

  private Map<String, Object> brokerConfig() {
    Map<String, Object> props = new HashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    // A secured broker's client listener replaces PLAINTEXT; the controller's stays internal, on
    // loopback.
    String client = secured == null ? "PLAINTEXT" : SecuredListener.NAME;
    props.put(
        "listeners",
        client + "://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", client + "://" + HOST + ":" + brokerPort);
    props.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", client);
    if (secured != null) {
      props.putAll(secured.brokerConfig());
    }
    props.put("log.dirs", logDir.toString());
    props.put("metadata.log.dir", logDir.toString());
    // One node: every internal topic must fit on it, and few partitions keep startup fast.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "4");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "4");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("num.partitions", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // Flink's KafkaSink asks for a 1 h transaction timeout; the broker default max is 15 min.
    props.put("transaction.max.timeout.ms", Long.toString(TimeUnit.HOURS.toMillis(2)));
    // Small thread pools and cleaner buffer: this runs on a 2-core CI machine next to Flink.
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "4");
    props.put("background.threads", "4");
    props.put("log.cleaner.dedupe.buffer.size", "2097152");
    props.put("server.max.startup.time.ms", Long.toString(STARTUP_TIMEOUT.toMillis()));
    return props;
  }

  private void formatIfNeeded() {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(logDir);
      Formatter formatter =
          new Formatter()
              .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
              .setNodeId(NODE_ID)
              .setClusterId(Uuid.randomUuid().toString())
              .setDirectories(List.of(logDir.toString()))
              .setMetadataLogDirectory(logDir.toString())
              .setControllerListenerName("CONTROLLER")
              // The latest *production* version: the newest one is unstable and brokers reject it.
              .setReleaseVersion(MetadataVersion.latestProduction());
      if (secured != null) {
        // SCRAM users live in the cluster metadata; written here, they exist before the first
        // client connects.
        formatter.setScramArguments(secured.scramArguments());
      }
      formatter.run();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create Kafka log dir " + logDir, e);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format Kafka storage in " + logDir, e);
    }
  }

  private void awaitBrokerRegistered() {
    poll(
        STARTUP_TIMEOUT,
        "broker " + bootstrapServers() + " to join its cluster",
        () -> !admin().describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty());
  }

  private void awaitPartitionsReadable(Map<String, Integer> partitionCounts) {
    Map<TopicPartition, OffsetSpec> request =
        partitionCounts.entrySet().stream()
            .flatMap(
                topic ->
                    IntStream.range(0, topic.getValue())
                        .mapToObj(p -> new TopicPartition(topic.getKey(), p)))
            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    poll(
        TOPIC_READY_TIMEOUT,
        "partitions of " + partitionCounts.keySet() + " to answer ListOffsets",
        () -> {
          admin()
              .listOffsets(request, new ListOffsetsOptions().timeoutMs(5_000))
              .all()
              .get(10, TimeUnit.SECONDS);
          return true;
        });
  }

  private static boolean isFree(int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(HOST, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Retries {@code condition} until it holds; the admin client already retries internally, so the
   * pause is short.
   */
  private static void poll(Duration timeout, String what, Check condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + what, e);
      } catch (Exception e) {
        last = e;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new IllegalStateException(
        "Timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
  }

  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }
}
