package com.dcmms.telemetry.host;

import static com.dcmms.telemetry.job.it.PipelineFixture.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.it.PipelineFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service survives {@code kill -9} and SIGTERM without losing or doubling a
 * reading: it resumes from its last checkpoint, or from the savepoint it took on SIGTERM, with
 * its dedup state.
 */
@ExtendWith(RealServers.class)
class PackagedServiceRestartIT {
  private static final int SENSORS = 10;

  @TempDir
  Path dir;

  private final PipelineFixture fx = new PipelineFixture("service");
  private final long base = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @Test
  void resumesAfterKillAndAfterSigtermWithoutLossOrDuplicates() throws Exception {
    Map<String, String> props = ServiceProcess.properties(fx, dir);
    props.put("telemetry.service.readiness.max-checkpoint-age", "30s");

    fx.produce(readings(0, 10));
    ServiceProcess first = ServiceProcess.start("restart-1", props);
    first.awaitReady();
    awaitRows(SENSORS * 10);
    // Let a checkpoint complete after the rows are in, so the crash loses no acknowledged state.
    long completed = first.completedCheckpoints();
    await().atMost(Duration.ofSeconds(30)).until(() -> first.completedCheckpoints() > completed + 1);
    first.kill();

    // A near duplicate (within 1 % and 60 s) of the last reading of sensor 0 sent before the crash,
    // and new readings.
    List<ProducerRecord<byte[], byte[]>> after = new ArrayList<>();
    after.add(fx.raw(event("near-dup", base + 9_500, "site-1", "asset-1", "sensor-0", "POWER",
        PipelineFixture.readingValue(0, 9) * 1.001, "u")));
    after.addAll(readings(10, 20));
    fx.produce(after);

    try (ServiceProcess second = ServiceProcess.start("restart-2", props)) {
      second.awaitReady();
      assertThat(second.printed("restored from")).as(second.output()).isTrue();
      awaitRows(SENSORS * 20);
      assertThat(second.terminate(10)).as("exits within 10 s after SIGTERM").isTrue();
      assertThat(second.printed("stopped with savepoint")).as(second.output()).isTrue();
    }

    fx.produce(readings(20, 25));
    try (ServiceProcess third = ServiceProcess.start("restart-3", props)) {
      third.awaitReady();
      assertThat(third.printed("restored from")).isTrue();
      assertThat(third.output().lines().filter(l -> l.contains("restored from")).findFirst().orElseThrow())
          .contains("savepoint-");
      awaitRows(SENSORS * 25);
      assertThat(third.terminate(10)).isTrue();
    }

    int expected = SENSORS * 25;
    assertThat(fx.questDb().count("SELECT count_distinct(event_id) FROM " + fx.table)).isEqualTo(expected);
    assertThat(fx.questDb().count("SELECT count() FROM " + fx.table + " WHERE event_id = 'near-dup'")).isZero();
    Map<String, Integer> copies = new HashMap<>();
    fx.readCommittedJson(fx.validatedTopic).forEach(r -> copies.merge(r.get("event_id").asText(), 1, Integer::sum));
    assertThat(copies).hasSize(expected).doesNotContainKey("near-dup");
    assertThat(copies.values()).allMatch(n -> n == 1);
  }

  private List<ProducerRecord<byte[], byte[]>> readings(int from, int to) {
    return fx.readings(from, to, SENSORS, base, "site-1", "POWER");
  }

  private void awaitRows(long expected) {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> fx.questDb().count("SELECT count() FROM " + fx.table) == expected);
  }
}
