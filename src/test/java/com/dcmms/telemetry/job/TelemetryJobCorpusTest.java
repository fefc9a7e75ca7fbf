package com.dcmms.telemetry.job;

import static com.dcmms.telemetry.testkit.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.inmemory.Collected;
import com.dcmms.telemetry.job.inmemory.InMemoryPipeline;
import com.dcmms.telemetry.job.inmemory.RawFeed;
import com.dcmms.telemetry.job.records.DeadLetter;
import com.dcmms.telemetry.job.records.TelemetryReading;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
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
import org.apache.flink.configuration.Configuration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole graph on a MiniCluster (two TaskManagers, parallelism 2) with in-memory edges: a fixed
 * corpus gives exactly the expected readings for QuestDB and validated_telemetry, each once, and
 * the expected dead letters. TelemetryJobIT checks what the real connectors make of them.
 */
class TelemetryJobCorpusTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = InMemoryPipeline.miniCluster(2, 2, new Configuration());

  @TempDir Path checkpoints;

  private final Collected out = Collected.create();
  private final RawFeed feed = new RawFeed(4);
  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @AfterEach
  void forget() {
    out.close();
  }

  @Test
  void storesDistinctReadingsRepublishesThemAndDeadLettersTheRest() throws Exception {
    // site-1 temperature: exact repeats (by id and by timestamp), a deadband repeat, a jump,
    // an out-of-range value.
    ObjectNode t1 = event("t1", base, "site-1", "asset-1", "temp-1", "TEMPERATURE", 20.0, "C");
    t1.putObject("metadata").put("firmware", "1.2").put("room", "B-12");
    feed.add(t1);
    feed.add(t1.deepCopy());
    feed.add(event("t2", base + 1_000, "site-1", "asset-1", "temp-1", "TEMPERATURE", 20.1, "C"));
    feed.add(event("t3", base + 2_000, "site-1", "asset-1", "temp-1", "TEMPERATURE", 25.0, "C"));
    feed.add(event("t4", base + 2_000, "site-1", "asset-1", "temp-1", "TEMPERATURE", 30.0, "C"));
    feed.add(event("t5", base + 3_000, "site-1", "asset-1", "temp-1", "TEMPERATURE", 200.0, "C"));
    // site-1 voltage: a steady value still reports once per window.
    feed.add(event("v1", base, "site-1", "asset-1", "volt-1", "VOLTAGE", 230.0, "V"));
    feed.add(event("v2", base + 30_000, "site-1", "asset-1", "volt-1", "VOLTAGE", 230.0, "V"));
    feed.add(event("v3", base + 60_000, "site-1", "asset-1", "volt-1", "VOLTAGE", 230.0, "V"));
    // site-2 pressure: device quality flag, source, schema version and an ISO timestamp kept.
    ObjectNode p1 = event("p1", 0, "site-2", "asset-7", "press-1", "PRESSURE", 500.0, "kPa");
    p1.put("timestamp", Instant.ofEpochMilli(base + 5_000).toString());
    p1.put("quality_flag", "BAD").put("source", "MODBUS").put("schema_version", "1.1.0");
    feed.add(p1);
    // An unknown sensor type passes.
    feed.add(event("g1", base, "site-2", "asset-7", "gas-1", "GAS_PPM", 12.0, "ppm"));
    // A last value of 0 uses the absolute tolerance.
    feed.add(event("f1", base, "site-2", "asset-8", "flow-1", "FLOW_RATE", 0.0, "l/s"));
    feed.add(event("f2", base + 1_000, "site-2", "asset-8", "flow-1", "FLOW_RATE", 0.0005, "l/s"));
    feed.add(event("f3", base + 2_000, "site-2", "asset-8", "flow-1", "FLOW_RATE", 0.5, "l/s"));
    // Rejected records.
    Map<String, String> rejected = new TreeMap<>();
    feed.add("bad", "{\"event_id\": \"x1\", \"timestamp\": ");
    rejected.put("{\"event_id\": \"x1\", \"timestamp\": ", "INVALID_JSON");
    feed.add("bad", new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b});
    feed.add("bad", "[1, 2, 3]");
    rejected.put("[1, 2, 3]", "NOT_AN_OBJECT");
    feed.add("bad", new byte[0]);
    ObjectNode noSite = event("x2", base, "site-1", "asset-1", "temp-9", "TEMPERATURE", 20.0, "C");
    noSite.remove("site_id");
    feed.add("bad", noSite.toString());
    rejected.put(noSite.toString(), "MISSING_FIELD");
    ObjectNode stringValue =
        event("x3", base, "site-1", "asset-1", "temp-9", "TEMPERATURE", 0, "C");
    stringValue.put("value", "12.5");
    feed.add("bad", stringValue.toString());
    rejected.put(stringValue.toString(), "WRONG_TYPE");
    ObjectNode old =
        event(
            "x4",
            base - Duration.ofDays(2).toMillis(),
            "site-1",
            "asset-1",
            "temp-9",
            "TEMPERATURE",
            20,
            "C");
    feed.add("bad", old.toString());
    rejected.put(old.toString(), "TIMESTAMP_TOO_OLD");
    ObjectNode future =
        event(
            "x5",
            System.currentTimeMillis() + Duration.ofHours(3).toMillis(),
            "site-1",
            "asset-1",
            "temp-9",
            "TEMPERATURE",
            20,
            "C");
    feed.add("bad", future.toString());
    rejected.put(future.toString(), "TIMESTAMP_IN_FUTURE");
    String nan =
        event("x6", base, "site-1", "asset-1", "temp-9", "TEMPERATURE", 1, "C")
            .toString()
            .replace("\"value\":1.0", "\"value\":NaN");
    feed.add("bad", nan);
    rejected.put(nan, "NON_FINITE_VALUE");

    InMemoryPipeline.run(feed, out, InMemoryPipeline.options(checkpoints, Map.of()));

    List<String> expectedIds = List.of("f1", "f3", "g1", "p1", "t1", "t3", "t5", "v1", "v3");
    assertThat(out.storedIds()).containsExactlyInAnyOrderElementsOf(expectedIds);
    assertThat(out.validatedIds()).containsExactlyInAnyOrderElementsOf(expectedIds);
    assertStoredReadings(out.questDb());
    assertStoredReadings(out.validated());
    assertDeadLetters(rejected);
  }

  private void assertStoredReadings(List<TelemetryReading> readings) {
    Map<String, TelemetryReading> byId =
        readings.stream().collect(Collectors.toMap(r -> r.eventId, Function.identity()));
    TelemetryReading t1 = byId.get("t1");
    assertThat(
            List.of(
                t1.siteId,
                t1.assetId,
                t1.sensorId,
                t1.sensorType,
                t1.unit,
                t1.qualityFlag,
                t1.source,
                t1.schemaVersion,
                t1.metadataJson))
        .containsExactly(
            "site-1",
            "asset-1",
            "temp-1",
            "TEMPERATURE",
            "C",
            "GOOD",
            "MQTT",
            "1.0.0",
            "{\"firmware\":\"1.2\",\"room\":\"B-12\"}");
    assertThat(t1.timestamp).isEqualTo(base);
    assertThat(t1.value).isEqualTo(20.0);
    assertThat(t1.processedAt).isGreaterThan(base);
    assertThat(byId.get("t5").value).isEqualTo(200.0);
    assertThat(byId.get("t5").qualityFlag).isEqualTo("OUT_OF_RANGE");
    TelemetryReading p1 = byId.get("p1");
    assertThat(
            List.of(
                p1.siteId,
                p1.assetId,
                p1.sensorId,
                p1.sensorType,
                p1.unit,
                p1.qualityFlag,
                p1.source,
                p1.schemaVersion))
        .containsExactly(
            "site-2", "asset-7", "press-1", "PRESSURE", "kPa", "BAD", "MODBUS", "1.1.0");
    assertThat(p1.metadataJson).isNull();
    assertThat(p1.value).isEqualTo(500.0);
    assertThat(p1.timestamp).isEqualTo(base + 5_000);
    assertThat(byId.get("v3").timestamp).isEqualTo(base + 60_000);
    assertThat(byId.get("f3").value).isEqualTo(0.5);
    assertThat(byId.get("g1").sensorType).isEqualTo("GAS_PPM");
  }

  private void assertDeadLetters(Map<String, String> rejectedText) {
    Map<String, String> byPayload = new TreeMap<>();
    List<String> others = new ArrayList<>();
    for (DeadLetter d : out.deadLetters()) {
      assertThat(d.sourceTopic).isEqualTo(RawFeed.TOPIC);
      assertThat(d.sourcePartition).isBetween(0, 3);
      assertThat(d.sourceOffset).isNotNegative();
      assertThat(d.kafkaTimestamp).isPositive();
      assertThat(d.rejectedAt).isPositive();
      assertThat(d.errorMessage).isNotBlank();
      String text = new String(d.payload, StandardCharsets.UTF_8);
      if (d.errorCode.equals("INVALID_UTF8") || d.payload.length == 0) {
        others.add(d.errorCode + ":" + java.util.Base64.getEncoder().encodeToString(d.payload));
      } else {
        assertThat(byPayload.put(text, d.errorCode)).as("dead-lettered once: %s", text).isNull();
      }
    }
    assertThat(byPayload).isEqualTo(rejectedText);
    assertThat(others).containsExactlyInAnyOrder("INVALID_UTF8://57", "EMPTY_RECORD:");
  }
}
