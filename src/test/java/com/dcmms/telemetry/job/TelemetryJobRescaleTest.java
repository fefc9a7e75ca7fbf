package com.dcmms.telemetry.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.job.inmemory.Collected;
import com.dcmms.telemetry.job.inmemory.InMemoryPipeline;
import com.dcmms.telemetry.job.inmemory.RawFeed;
import com.dcmms.telemetry.testkit.Events;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stable uids and an explicit max parallelism let state survive a change of parallelism: the job
 * stops with a savepoint at parallelism 2, resumes at 3 and then at 1 (in-memory edges, four
 * partitions whose positions are in the savepoint), and dedup still drops a near duplicate of a
 * reading sent before each change; every reading is stored and republished exactly once.
 */
class TelemetryJobRescaleTest {
  private static final int SENSORS = 12;

  @RegisterExtension
  static final MiniClusterExtension FLINK = InMemoryPipeline.miniCluster(1, 3, new Configuration());

  @TempDir Path dir;

  private final Collected out = Collected.create();
  private final RawFeed feed = new RawFeed(4);
  private final long base =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @AfterEach
  void forget() {
    out.close();
  }

  @Test
  void keepsDedupStateAcrossChangesOfParallelism() throws Exception {
    feed.addAll(Events.series(0, 5, SENSORS, base, "site-r", "PRESSURE"));
    String savepoint = runUntil(2, null, SENSORS * 5);

    // Near duplicates (within 1 % and the window) of every sensor's last reading: all dropped.
    feed.addAll(Events.nearDuplicates(SENSORS, 4, "a", base, "site-r"));
    feed.addAll(Events.series(5, 10, SENSORS, base, "site-r", "PRESSURE"));
    savepoint = runUntil(3, savepoint, SENSORS * 10);

    feed.addAll(Events.nearDuplicates(SENSORS, 9, "b", base, "site-r"));
    feed.addAll(Events.series(10, 15, SENSORS, base, "site-r", "PRESSURE"));
    runUntil(1, savepoint, SENSORS * 15);

    List<String> expected =
        Events.series(0, 15, SENSORS, base, "site-r", "PRESSURE").stream()
            .map(e -> e.get("event_id").asText())
            .toList();
    assertThat(out.storedIds()).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(out.validatedIds()).containsExactlyInAnyOrderElementsOf(expected);
  }

  /**
   * Runs the job at a parallelism until both outputs hold the expected readings, then stops it with
   * a savepoint: nothing more arrives after it.
   */
  private String runUntil(int parallelism, String restoreFrom, int expected) throws Exception {
    TelemetryJobOptions options =
        InMemoryPipeline.options(
            dir.resolve("checkpoints"), Map.of("parallelism", Integer.toString(parallelism)));
    JobClient job = InMemoryPipeline.start(feed, out, options, restoreFrom);
    String savepoint;
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> out.questDb().size() >= expected && out.validated().size() >= expected);
      savepoint =
          job.stopWithSavepoint(
                  false,
                  dir.resolve("savepoints").toUri().toString(),
                  SavepointFormatType.CANONICAL)
              .get();
    } catch (Exception | AssertionError e) {
      job.cancel().get();
      throw e;
    }
    assertThat(out.questDb()).as("stored at parallelism %d", parallelism).hasSize(expected);
    assertThat(out.validated()).as("republished at parallelism %d", parallelism).hasSize(expected);
    return savepoint;
  }
}
