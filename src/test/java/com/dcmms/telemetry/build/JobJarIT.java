package com.dcmms.telemetry.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster job JAR holds the job and its client libraries, and nothing a cluster provides. */
class JobJarIT {
  private static List<String> entries;
  private static String mainClass;

  @BeforeAll
  static void readJar() throws IOException {
    Path jar;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      jar =
          files
              .filter(p -> p.getFileName().toString().endsWith("-job.jar"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no *-job.jar in target/: run ./mvnw package"));
    }
    try (JarFile file = new JarFile(jar.toFile())) {
      entries = file.stream().map(e -> e.getName()).toList();
      mainClass = file.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  @Test
  void startsTheTelemetryJob() {
    assertThat(mainClass).isEqualTo("com.dcmms.telemetry.job.TelemetryJob");
    assertThat(entries).contains("com/dcmms/telemetry/job/TelemetryJob.class");
  }

  @Test
  void bundlesTheKafkaConnectorAndClientLibraries() {
    assertThat(entries)
        .contains(
            "org/apache/flink/connector/kafka/source/KafkaSource.class",
            "org/apache/flink/connector/kafka/sink/KafkaSink.class",
            "org/apache/kafka/clients/producer/KafkaProducer.class",
            "io/questdb/client/Sender.class",
            "com/fasterxml/jackson/core/JsonFactory.class",
            "com/fasterxml/jackson/databind/ObjectMapper.class");
    // The Kafka connector registers its table factories through service files.
    assertThat(entries).anyMatch(e -> e.startsWith("META-INF/services/"));
  }

  @Test
  void leavesOutFlinkRuntimeQuarkusAndTestInfrastructure() {
    assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/runtime/"));
    assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/streaming/api/"));
    assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/api/common/"));
    assertThat(entries).noneMatch(e -> e.startsWith("org/apache/flink/connector/base/"));
    assertThat(entries).noneMatch(e -> e.startsWith("org/rocksdb/"));
    assertThat(entries).noneMatch(e -> e.startsWith("io/quarkus/"));
    assertThat(entries).noneMatch(e -> e.startsWith("io/questdb/ServerMain"));
    assertThat(entries).noneMatch(e -> e.startsWith("kafka/server/"));
    assertThat(entries)
        .noneMatch(
            e ->
                e.endsWith(".class")
                    && e.startsWith("com/dcmms/")
                    && !e.startsWith("com/dcmms/telemetry/job/"));
    assertThat(entries)
        .doesNotContain(
            "application.properties",
            "META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory");
  }
}
