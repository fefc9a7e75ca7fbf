package com.dcmms.telemetry.host;

import com.dcmms.telemetry.devinfra.EmbeddedKafka;
import com.dcmms.telemetry.devinfra.EmbeddedQuestDb;
import com.dcmms.telemetry.testkit.FreePorts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Real Kafka and QuestDB servers for {@code @QuarkusTest}s, with the service pointed at them. */
public class RealServersResource implements QuarkusTestResourceLifecycleManager {
  static EmbeddedKafka kafka;
  static EmbeddedQuestDb questDb;
  static int webUiPort;

  @Override
  public Map<String, String> start() {
    try {
      Path root =
          Files.createDirectories(Path.of("target"))
              .resolve(Files.createTempDirectory(Path.of("target"), "service-test-").getFileName());
      kafka = EmbeddedKafka.start(root.resolve("kafka"));
      questDb = EmbeddedQuestDb.start(root.resolve("questdb"));
      kafka.createTopics(2, "raw_telemetry", "validated_telemetry", "telemetry_dlq");
      // Left by an "earlier run": the service must clean its Flink temporary directory at start.
      Path staleTmp = Files.createDirectories(root.resolve("service").resolve("flink-tmp"));
      Files.writeString(staleTmp.resolve("stale-from-earlier-run"), "x");
      webUiPort = FreePorts.loopback();
      return Map.of(
          "telemetry.flink.taskmanager.memory.managed.size", "200m",
          "telemetry.service.web-ui.enabled", "true",
          "telemetry.service.web-ui.port", Integer.toString(webUiPort),
          "telemetry.kafka.bootstrap-servers", kafka.bootstrapServers(),
          "telemetry.questdb.host", questDb.host(),
          "telemetry.questdb.http-port", Integer.toString(questDb.httpPort()),
          "telemetry.checkpoint.dir", root.resolve("checkpoints").toUri().toString(),
          "telemetry.service.work-dir", root.resolve("service").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {
    if (kafka != null) {
      kafka.close();
    }
    if (questDb != null) {
      questDb.close();
    }
  }
}
