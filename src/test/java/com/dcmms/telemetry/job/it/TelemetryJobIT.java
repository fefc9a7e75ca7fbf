package com.dcmms.telemetry.job.it;

import static com.dcmms.telemetry.testkit.Events.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.docs.ContractSchemas;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job on a MiniCluster (two TaskManagers, parallelism 2) against the real Kafka broker
 * and QuestDB server: what its connectors make of readings and rejected records, exactly: the rows
 * and their columns, the read-committed validated records with their keys, and the dead-letter
 * envelopes with where each record came from; every record read back matches the contract's JSON
 * Schema. The semantics of a larger corpus are TelemetryJobCorpusTest's, with in-memory edges.
 */
@ExtendWith(RealServers.class)
public class TelemetryJobIT {
  @RegisterExtension static final MiniClusterExtension FLINK = PipelineFixture.miniCluster(2, 2);

  @TempDir Path checkpoints;

  private final PipelineFixture fx = new PipelineFixture("corpus");
  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @Test
  void storesRepublishesAndDeadLettersThroughTheRealConnectors() throws Exception {
    List<ProducerRecord<byte[], byte[]>> corpus = new ArrayList<>();
    // A reading with metadata and its exact repeat, an out-of-range value, and one with the
    // device's quality flag, source, schema version and an ISO timestamp.
    ObjectNode t1 = event("t1", base, "site-1", "asset-1", "temp-1", "TEMPERATURE", 20.0, "C");
    t1.putObject("metadata").put("firmware", "1.2").put("room", "B-12");
    corpus.add(fx.raw(t1));
    corpus.add(fx.raw(t1.deepCopy()));
    corpus.add(
        fx.raw(
            event("t5", base + 3_000, "site-1", "asset-1", "temp-1", "TEMPERATURE", 200.0, "C")));
    ObjectNode p1 = event("p1", 0, "site-2", "asset-7", "press-1", "PRESSURE", 500.0, "kPa");
    p1.put("timestamp", Instant.ofEpochMilli(base + 5_000).toString());
    p1.put("quality_flag", "BAD").put("source", "MODBUS").put("schema_version", "1.1.0");
    corpus.add(fx.raw(p1));
    // Rejected records: text, bytes that are not UTF-8 (base64 in the envelope), and nothing.
    Map<String, String> rejected = new TreeMap<>();
    corpus.add(fx.raw("bad", "{\"event_id\": \"x1\", \"timestamp\": "));
    rejected.put("{\"event_id\": \"x1\", \"timestamp\": ", "INVALID_JSON");
    corpus.add(fx.raw("bad", new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b}));
    corpus.add(fx.raw("bad", new byte[0]));
    fx.produce(corpus);

    JobClient job = PipelineFixture.start(fx.options(checkpoints));
    try {
      List<String> expectedIds = List.of("p1", "t1", "t5");
      awaitExactly(() -> fx.questDb().count("SELECT count() FROM " + fx.table), expectedIds.size());
      awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), expectedIds.size());
      awaitExactly(() -> (long) fx.readCommitted(fx.deadLetterTopic).size(), rejected.size() + 2);

      assertStoredRows(expectedIds);
      assertValidatedRecords(expectedIds);
      assertDeadLetters(rejected);
    } finally {
      job.cancel().get();
    }
  }

  private void assertStoredRows(List<String> expectedIds) {
    List<List<Object>> rows =
        fx.questDb()
            .rows(
                "SELECT event_id, site_id, asset_id, sensor_id, "
                    + "sensor_type, value, unit, quality_flag, source, metadata, timestamp FROM "
                    + fx.table
                    + " ORDER BY event_id");
    assertThat(rows).extracting(r -> r.get(0)).containsExactlyElementsOf(expectedIds);
    Map<String, List<Object>> byId =
        rows.stream().collect(Collectors.toMap(r -> (String) r.get(0), Function.identity()));
    assertThat(byId.get("t1"))
        .containsExactly(
            "t1",
            "site-1",
            "asset-1",
            "temp-1",
            "TEMPERATURE",
            20.0,
            "C",
            "GOOD",
            "MQTT",
            "{\"firmware\":\"1.2\",\"room\":\"B-12\"}",
            isoMicros(base));
    assertThat(byId.get("t5").subList(5, 8)).containsExactly(200.0, "C", "OUT_OF_RANGE");
    assertThat(byId.get("p1"))
        .containsExactly(
            "p1",
            "site-2",
            "asset-7",
            "press-1",
            "PRESSURE",
            500.0,
            "kPa",
            "BAD",
            "MODBUS",
            null,
            isoMicros(base + 5_000));
  }

  private void assertValidatedRecords(List<String> expectedIds) {
    var records = fx.readCommitted(fx.validatedTopic);
    Schema schema = ContractSchemas.load(ContractSchemas.VALIDATED_TELEMETRY);
    Map<String, JsonNode> byId = new TreeMap<>();
    for (var r : records) {
      ContractSchemas.assertMatches(schema, r.value(), "validated_telemetry record");
      JsonNode json = PipelineFixture.parse(r.value());
      assertThat(byId.put(json.get("event_id").asText(), json)).as("duplicate").isNull();
      assertThat(new String(r.key()))
          .isEqualTo(
              json.get("site_id").asText()
                  + ':'
                  + json.get("asset_id").asText()
                  + ':'
                  + json.get("sensor_id").asText());
    }
    assertThat(byId.keySet()).containsExactlyElementsOf(expectedIds);
    JsonNode t1 = byId.get("t1");
    assertThat(t1.get("timestamp").asLong()).isEqualTo(base);
    assertThat(t1.get("value").asDouble()).isEqualTo(20.0);
    assertThat(t1.get("quality_flag").asText()).isEqualTo("GOOD");
    assertThat(t1.get("metadata").get("firmware").asText()).isEqualTo("1.2");
    assertThat(t1.get("source").asText()).isEqualTo("MQTT");
    assertThat(t1.get("schema_version").asText()).isEqualTo("1.0.0");
    assertThat(t1.get("processed_at").asLong()).isGreaterThan(base);
    assertThat(byId.get("t5").get("quality_flag").asText()).isEqualTo("OUT_OF_RANGE");
    assertThat(byId.get("p1").get("quality_flag").asText()).isEqualTo("BAD");
    assertThat(byId.get("p1").get("timestamp").asLong()).isEqualTo(base + 5_000);
    assertThat(byId.get("p1").get("source").asText()).isEqualTo("MODBUS");
    assertThat(byId.get("p1").get("schema_version").asText()).isEqualTo("1.1.0");
    assertThat(byId.get("p1").has("metadata")).isFalse();
  }

  private void assertDeadLetters(Map<String, String> rejectedText) {
    Schema schema = ContractSchemas.load(ContractSchemas.DEAD_LETTER);
    fx.readCommitted(fx.deadLetterTopic)
        .forEach(r -> ContractSchemas.assertMatches(schema, r.value(), "dead letter"));
    List<JsonNode> letters = fx.readCommittedJson(fx.deadLetterTopic);
    Map<String, String> byPayload = new TreeMap<>();
    List<String> others = new ArrayList<>();
    for (JsonNode d : letters) {
      assertThat(d.get("source_topic").asText()).isEqualTo(fx.rawTopic);
      assertThat(d.get("source_partition").asInt()).isBetween(0, 3);
      assertThat(d.get("source_offset").asLong()).isNotNegative();
      assertThat(d.get("kafka_timestamp").asLong()).isPositive();
      assertThat(d.get("rejected_at").asLong()).isPositive();
      assertThat(d.get("error_message").asText()).isNotBlank();
      if (d.has("payload_base64")) {
        others.add(d.get("error_code").asText() + ":" + d.get("payload_base64").asText());
      } else if (d.get("payload").asText().isEmpty()) {
        others.add(d.get("error_code").asText() + ":");
      } else {
        byPayload.put(d.get("payload").asText(), d.get("error_code").asText());
      }
    }
    assertThat(byPayload).isEqualTo(rejectedText);
    assertThat(others).containsExactlyInAnyOrder("INVALID_UTF8://57", "EMPTY_RECORD:");
  }

  /** Waits for the count, then checks that it stays there (nothing extra arrives later). */
  public static void awaitExactly(java.util.concurrent.Callable<Long> count, long expected) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(count, c -> c >= expected);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .until(count, c -> c == expected);
  }

  private static String isoMicros(long epochMillis) {
    // QuestDB's /exec shows timestamps with microseconds.
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
        .withZone(java.time.ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(epochMillis));
  }
}
