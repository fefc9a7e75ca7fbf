package com.dcmms.telemetry.job.inmemory;

import com.dcmms.telemetry.job.TelemetryJob;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The job's graph ({@link TelemetryJob#read}, {@link TelemetryJob#wire}) between in-memory edges,
 * on the MiniCluster of the calling test: a {@link RawFeed} in, a {@link Collected} out. Validation
 * and dedup are the job's own, with its options.
 */
public final class InMemoryPipeline {
  private InMemoryPipeline() {}

  /** A MiniCluster for a test class: {@code taskManagers} × {@code slots}. */
  public static MiniClusterExtension miniCluster(
      int taskManagers, int slots, Configuration config) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(config)
            .setNumberTaskManagers(taskManagers)
            .setNumberSlotsPerTaskManager(slots)
            .build());
  }

  /**
   * The job's options for in-memory runs: parallelism 2, one-second checkpoints under {@code dir}.
   */
  public static TelemetryJobOptions options(Path checkpointDir, Map<String, String> more) {
    Map<String, String> o = new HashMap<>();
    o.put("parallelism", "2");
    o.put("checkpoint.interval", "1 s");
    o.put("checkpoint.min-pause", "200 ms");
    o.put("checkpoint.dir", checkpointDir.toUri().toString());
    o.put("restart.delay", "200 ms");
    o.put("watermark.idleness", "2 s");
    o.putAll(more);
    return TelemetryJobOptions.fromMap(o);
  }

  /** Runs the job over the whole feed and returns its id once it has finished. */
  public static JobID run(RawFeed feed, Collected out, TelemetryJobOptions o) throws Exception {
    return environment(feed, out, o, Boundedness.BOUNDED, null)
        .execute(TelemetryJob.JOB_NAME)
        .getJobID();
  }

  /**
   * Starts the job reading the feed as an unbounded topic, restored from this savepoint unless
   * null; it runs until the test stops it.
   */
  public static JobClient start(
      RawFeed feed, Collected out, TelemetryJobOptions o, String restoreFrom) throws Exception {
    return environment(feed, out, o, Boundedness.CONTINUOUS_UNBOUNDED, restoreFrom)
        .executeAsync(TelemetryJob.JOB_NAME);
  }

  private static StreamExecutionEnvironment environment(
      RawFeed feed,
      Collected out,
      TelemetryJobOptions o,
      Boundedness boundedness,
      String restoreFrom) {
    Configuration config = TelemetryJob.flinkConfiguration(o);
    if (restoreFrom != null) {
      config.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    RawFeedSource source =
        new RawFeedSource(feed, TelemetryJob.deserializer(o), boundedness, out.key);
    TelemetryJob.wire(TelemetryJob.read(env, source, o), out.outputs(), o);
    return env;
  }
}
