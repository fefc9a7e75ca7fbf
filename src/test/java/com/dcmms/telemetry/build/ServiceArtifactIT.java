package com.dcmms.telemetry.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged service ({@code target/quarkus-app}) holds the product, the job and the host, and
 * nothing else: no tools, no dev infrastructure, no test classes or test libraries.
 */
class ServiceArtifactIT {
  private static final Path APP = Path.of("target", "quarkus-app");
  private static final Path TEST_CLASSES = Path.of("target", "test-classes");

  @Test
  void shipsNoEmbeddedServers() throws IOException {
    List<String> libs = libraries();
    assertThat(libs).anyMatch(n -> n.startsWith("org.apache.flink.flink-runtime-2"));
    assertThat(libs).anyMatch(n -> n.startsWith("org.apache.kafka.kafka-clients-4.2.0"));
    assertThat(libs).noneMatch(n -> n.startsWith("org.apache.kafka.kafka_2.13"));
    assertThat(libs).noneMatch(n -> n.startsWith("org.apache.kafka.kafka-server"));
    assertThat(libs).noneMatch(n -> n.startsWith("org.questdb.questdb-9"));
  }

  @Test
  void shipsNoTestOrToolLibraries() throws IOException {
    assertThat(libraries())
        .noneMatch(
            n ->
                n.startsWith("info.picocli.")
                    || n.startsWith("org.junit.")
                    || n.startsWith("org.assertj.")
                    || n.startsWith("org.awaitility.")
                    || n.startsWith("com.tngtech.archunit.")
                    || n.startsWith("org.testcontainers.")
                    || n.startsWith("org.apache.flink.flink-test-utils")
                    || n.startsWith("io.rest-assured."));
  }

  @Test
  void holdsTheJobAndTheHost() throws IOException {
    List<String> entries = appClasses();
    assertThat(entries)
        .contains(
            "com/dcmms/telemetry/job/TelemetryJob.class",
            "com/dcmms/telemetry/host/flink/EmbeddedFlink.class");
    assertThat(entries)
        .allMatch(
            e ->
                e.startsWith("com/dcmms/telemetry/job/")
                    || e.startsWith("com/dcmms/telemetry/host/"));
  }

  @Test
  void shipsNoToolsDevInfrastructureOrTestClasses() throws IOException {
    List<String> entries = appClasses();
    assertThat(entries)
        .noneMatch(
            e ->
                e.startsWith("com/dcmms/telemetry/tools/")
                    || e.startsWith("com/dcmms/telemetry/devinfra/")
                    || e.startsWith("com/dcmms/telemetry/testkit/"));
    List<String> testClasses;
    try (Stream<Path> files = Files.walk(TEST_CLASSES)) {
      testClasses =
          files
              .filter(p -> p.toString().endsWith(".class"))
              .map(p -> TEST_CLASSES.relativize(p).toString().replace('\\', '/'))
              .toList();
    }
    assertThat(testClasses)
        .as("the test tree's classes, tools included")
        .contains(
            "com/dcmms/telemetry/tools/loadgen/LoadTest.class",
            "com/dcmms/telemetry/tools/bench/Benchmark.class",
            "com/dcmms/telemetry/tools/monitor/PipelineMonitor.class");
    assertThat(entries).doesNotContainAnyElementsOf(testClasses);
  }

  /**
   * File names under lib/ (boot, main, deployment), e.g. {@code
   * org.apache.kafka.kafka-clients-4.2.0.jar}.
   */
  private static List<String> libraries() throws IOException {
    try (Stream<Path> files = Files.walk(APP.resolve("lib"))) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** The classes of the application JAR under app/. */
  private static List<String> appClasses() throws IOException {
    Path appJar;
    try (Stream<Path> files = Files.list(APP.resolve("app"))) {
      appJar = files.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
    }
    try (JarFile jar = new JarFile(appJar.toFile())) {
      return jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).toList();
    }
  }
}
