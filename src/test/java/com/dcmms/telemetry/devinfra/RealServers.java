package com.dcmms.telemetry.devinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension giving every test class of a run the same embedded Kafka and QuestDB, closed
 * when the run ends.
 */
public final class RealServers implements BeforeAllCallback {

  private static final Logger LOG = LoggerFactory.getLogger(RealServers.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealServers.class);

  private static volatile Servers current;

  @Override
  public void beforeAll(ExtensionContext context) {
    // The root store lives for the whole run and closes AutoCloseable values at its end;
    // computeIfAbsent there is atomic, so parallel test classes start the servers once.
    current =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .computeIfAbsent(Servers.class, key -> Servers.start(), Servers.class);
  }

  /**
   * The run's Kafka broker; only valid in classes annotated with
   * {@code @ExtendWith(RealServers.class)}.
   */
  public static EmbeddedKafka kafka() {
    return servers().kafka;
  }

  /**
   * The run's QuestDB server; only valid in classes annotated with
   * {@code @ExtendWith(RealServers.class)}.
   */
  public static EmbeddedQuestDb questDb() {
    return servers().questDb;
  }

  private static Servers servers() {
    Servers servers = current;
    if (servers == null) {
      throw new IllegalStateException(
          "Real servers are not started: annotate the test class with "
              + "@ExtendWith(RealServers.class)");
    }
    return servers;
  }

  /** Both servers and their directory, as one value the root store closes. */
  private static final class Servers implements AutoCloseable {
    private final Path dir;
    private final EmbeddedKafka kafka;
    private final EmbeddedQuestDb questDb;

    private Servers(Path dir, EmbeddedKafka kafka, EmbeddedQuestDb questDb) {
      this.dir = dir;
      this.kafka = kafka;
      this.questDb = questDb;
    }

    static Servers start() {
      long started = System.nanoTime();
      Path dir = createRunDirectory();
      // Both spend most of their start-up in class loading and JIT, so starting them side by side
      // saves seconds.
      CompletableFuture<EmbeddedQuestDb> questDbStart =
          CompletableFuture.supplyAsync(
              () -> EmbeddedQuestDb.start(dir.resolve("questdb")),
              runnable -> new Thread(runnable, "questdb-starter").start());
      EmbeddedKafka kafka;
      try {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
      } catch (RuntimeException e) {
        // Wait for QuestDB and close it, so no server outlives a failed start.
        questDbStart
            .handle(
                (questDb, ignored) -> {
                  if (questDb != null) {
                    questDb.close();
                  }
                  return null;
                })
            .join();
        throw e;
      }
      EmbeddedQuestDb questDb;
      try {
        questDb = questDbStart.join();
      } catch (CompletionException e) {
        kafka.close();
        throw new IllegalStateException("QuestDB did not start in " + dir, e.getCause());
      }
      LOG.info(
          "Real servers started in {} ms: Kafka {}, QuestDB http {}:{} pg {}, data in {}",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          kafka.bootstrapServers(),
          questDb.host(),
          questDb.httpPort(),
          questDb.pgPort(),
          dir);
      return new Servers(dir, kafka, questDb);
    }

    @Override
    public void close() {
      current = null;
      try (kafka;
          questDb) {
        LOG.info("Stopping real servers (data in {})", dir);
      } finally {
        deleteQuietly(dir);
      }
    }

    private static Path createRunDirectory() {
      // Under target/ so `mvn clean` removes anything a killed run leaves behind.
      Path target =
          Path.of(System.getProperty("basedir", "."), "target").toAbsolutePath().normalize();
      try {
        Files.createDirectories(target);
        return Files.createTempDirectory(target, "real-servers-");
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create a real-servers directory under " + target, e);
      }
    }

    private static void deleteQuietly(Path dir) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("Could not delete {}: {}", dir, e.toString());
      }
    }
  }
}
