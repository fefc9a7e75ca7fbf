package com.dcmms.telemetry.host.dev;

import com.dcmms.telemetry.host.ServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * In dev mode, makes sure a real Kafka broker (9092) and QuestDB server (9000/8812) are there:
 * reuses them when their ports answer, otherwise starts them, with a demo generator, as a child
 * process from the test classpath (so they are never in the production artifact).
 *
 * <p>The child lives until this JVM exits: it watches its standard input and stops when the pipe
 * closes, so it is never left orphaned and needs no shutdown hook. A live reload drops this class's
 * loader; the pipe stays open only while its {@link Process} is reachable, so the handle is kept in
 * the system properties, which outlive reloads.
 */
@ApplicationScoped
public class DevServices {
  private static final Logger LOG = Logger.getLogger(DevServices.class);
  private static final String HANDLE = "dcmms.dev-services.process";

  /** How the dev servers' process (DevServersMain, test code) says it is ready; the one copy. */
  public static final String READY = "DEV-SERVERS READY";

  private final ServiceConfig config;

  DevServices(ServiceConfig config) {
    this.config = config;
  }

  public void ensureRunning() throws IOException, InterruptedException {
    if (!config.devServices().enabled()) {
      return;
    }
    if (System.getenv("KAFKA_BROKERS") != null || System.getenv("QUESTDB_HOST") != null) {
      LOG.info("Dev services off: KAFKA_BROKERS/QUESTDB_HOST point at existing servers");
      return;
    }
    if (answers(9092) && answers(9000)) {
      LOG.info(
          startedEarlier()
              .map(
                  p ->
                      "Dev services: reusing the ones started before the reload (pid "
                          + p.pid()
                          + ")")
              .orElse("Dev services: reusing the Kafka broker on 9092 and QuestDB on 9000"));
      return;
    }
    start();
  }

  private void start() throws IOException, InterruptedException {
    Path classpathFile = Path.of("target", "dev-servers.classpath");
    if (!Files.exists(classpathFile)) {
      throw new IllegalStateException(
          "dev services need "
              + classpathFile
              + " and target/test-classes:"
              + " start dev mode with './mvnw test-compile quarkus:dev' (see the README), or point"
              + " KAFKA_BROKERS and QUESTDB_HOST at running servers");
    }
    String classpath =
        Path.of("target", "test-classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(classpathFile).trim();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Ddev.demo.rate=" + config.devServices().demoRate(),
                "-cp",
                classpath,
                "com.dcmms.telemetry.devinfra.DevServersMain",
                Path.of(config.devServices().dataDir()).toAbsolutePath().toString()));
    long started = System.nanoTime();
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    System.getProperties().put(HANDLE, child);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(child, ready), "dev-services-log");
    pump.setDaemon(true);
    pump.start();
    try {
      ready.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      child.destroyForcibly();
      throw new IllegalStateException(
          "dev services did not start within 120 s: "
              + e.getMessage()
              + " (their output is in the log above, prefixed [dev-services])",
          e);
    }
    LOG.infof(
        "Dev services started in %d ms (pid %d): Kafka 127.0.0.1:9092, QuestDB console "
            + "http://localhost:9000",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), child.pid());
  }

  /** The child this JVM started before a live reload, if it still runs. */
  private static Optional<Process> startedEarlier() {
    return System.getProperties().get(HANDLE) instanceof Process p && p.isAlive()
        ? Optional.of(p)
        : Optional.empty();
  }

  private static void pump(Process child, CompletableFuture<Void> ready) {
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(READY)) {
          ready.complete(null);
        }
        System.out.println("[dev-services] " + line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      ready.completeExceptionally(
          new IllegalStateException(
              "the dev services process exited with "
                  + (child.isAlive() ? "open streams" : "code " + child.exitValue())));
    }
  }

  static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
