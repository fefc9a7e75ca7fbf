package com.dcmms.telemetry.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The packaged service holds no dev infrastructure: no Kafka or QuestDB server, no demo generator. */
class ServiceArtifactIT {
  private static final Path APP = Path.of("target", "quarkus-app");

  @Test
  void shipsNoEmbeddedServers() throws IOException {
    List<String> libs;
    try (Stream<Path> files = Files.walk(APP.resolve("lib"))) {
      libs = files.map(p -> p.getFileName().toString()).toList();
    }
    assertThat(libs).anyMatch(n -> n.startsWith("org.apache.flink.flink-runtime-2"));
    assertThat(libs).anyMatch(n -> n.startsWith("org.apache.kafka.kafka-clients-4.2.0"));
    assertThat(libs).noneMatch(n -> n.startsWith("org.apache.kafka.kafka_2.13"));
    assertThat(libs).noneMatch(n -> n.startsWith("org.apache.kafka.kafka-server"));
    assertThat(libs).noneMatch(n -> n.startsWith("org.questdb.questdb-9"));
  }

  @Test
  void shipsNoDevInfrastructureClasses() throws IOException {
    Path appJar;
    try (Stream<Path> files = Files.list(APP.resolve("app"))) {
      appJar = files.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
    }
    try (JarFile jar = new JarFile(appJar.toFile())) {
      List<String> entries = jar.stream().map(e -> e.getName()).toList();
      assertThat(entries).contains("com/dcmms/telemetry/job/TelemetryJob.class",
          "com/dcmms/telemetry/host/flink/EmbeddedFlink.class");
      assertThat(entries).noneMatch(e -> e.startsWith("com/dcmms/telemetry/devinfra/"));
    }
  }
}
