package com.dcmms.telemetry.job.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.TelemetryJob;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stable uids and an explicit max parallelism let state survive a change of parallelism: the job
 * stops with a savepoint at parallelism 3, resumes at 1 and then at 2, and dedup still drops a
 * near duplicate of a reading sent before each change.
 */
@ExtendWith(RealServers.class)
class RescaleFromSavepointIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = PipelineFixture.miniCluster(1, 3);

  @TempDir
  Path dir;

  private final PipelineFixture fx = new PipelineFixture("rescale");
  private final long base = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();

  @Test
  void keepsDedupStateAcrossChangesOfParallelism() throws Exception {
    int sensors = 12;
    fx.produce(fx.readings(0, 5, sensors, base, "site-r", "PRESSURE"));
    String savepoint = runUntil(3, null, sensors * 5);

    // Near duplicates (within 1 % and the window) of every sensor's last reading: all dropped.
    fx.produce(fx.nearDuplicates(sensors, 4, "a", base, "site-r"));
    fx.produce(fx.readings(5, 10, sensors, base, "site-r", "PRESSURE"));
    savepoint = runUntil(1, savepoint, sensors * 10);

    fx.produce(fx.nearDuplicates(sensors, 9, "b", base, "site-r"));
    fx.produce(fx.readings(10, 15, sensors, base, "site-r", "PRESSURE"));
    runUntil(2, savepoint, sensors * 15);

    assertThat(fx.questDb().count("SELECT count() FROM " + fx.table + " WHERE event_id LIKE 'near-%'")).isZero();
    assertThat(fx.questDb().count("SELECT count_distinct(event_id) FROM " + fx.table)).isEqualTo(sensors * 15);
    assertThat(fx.readCommittedJson(fx.validatedTopic))
        .hasSize(sensors * 15)
        .noneMatch(r -> r.get("event_id").asText().startsWith("near-"));
  }

  /** Runs the job at a parallelism until QuestDB holds the expected rows, then stops it with a savepoint. */
  private String runUntil(int parallelism, String restoreFrom, long expectedRows) throws Exception {
    TelemetryJobOptions options = fx.options(dir.resolve("checkpoints"))
        .with("parallelism", Integer.toString(parallelism));
    Configuration config = TelemetryJob.flinkConfiguration(options);
    if (restoreFrom != null) {
      config.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    TelemetryJob.build(env, options);
    JobClient job = env.executeAsync(TelemetryJob.JOB_NAME);
    try {
      TelemetryJobIT.awaitExactly(() -> fx.questDb().count("SELECT count() FROM " + fx.table), expectedRows);
      TelemetryJobIT.awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), expectedRows);
      return job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
          SavepointFormatType.CANONICAL).get();
    } catch (Exception e) {
      job.cancel().get();
      throw e;
    }
  }
}
