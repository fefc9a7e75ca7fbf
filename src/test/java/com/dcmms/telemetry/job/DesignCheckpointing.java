package com.dcmms.telemetry.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * The original design's checkpointing, which the job's defaults and the cluster's config.yaml both
 * carry.
 */
public final class DesignCheckpointing {
  private DesignCheckpointing() {}

  /**
   * 30 s, EXACTLY_ONCE, 10 min timeout, 10 s pause, 2 concurrent, 3 failures tolerated,
   * incremental, retained.
   */
  public static void assertCarriedBy(Configuration c) {
    assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(c.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
        .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(c.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT)).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(c.get(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS)).isEqualTo(2);
    assertThat(c.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(3);
    assertThat(c.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(c.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
        .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
  }
}
