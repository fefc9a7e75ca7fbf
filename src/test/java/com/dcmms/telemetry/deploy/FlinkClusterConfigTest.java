package com.dcmms.telemetry.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dcmms.telemetry.job.DesignCheckpointing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker/flink/config.yaml, as Flink 2.x itself reads it: known keys only, the design's tuning. */
class FlinkClusterConfigTest {
  static final Path CONFIG_DIR = Path.of("docker", "flink");
  static final String G1 = "-XX:+UseG1GC -XX:MaxGCPauseMillis=200";

  static Configuration config;

  @BeforeAll
  static void loadWithFlinksOwnParser() {
    config = GlobalConfiguration.loadConfiguration(CONFIG_DIR.toString());
  }

  @Test
  void isTheStandardYamlFileOfFlink2() {
    // Flink 2.x reads conf/config.yaml only: a flink-conf.yaml would be ignored without a word.
    assertThat(CONFIG_DIR.resolve("config.yaml")).isRegularFile();
    assertThat(CONFIG_DIR.resolve("flink-conf.yaml")).doesNotExist();
    assertThat(config.keySet()).hasSizeGreaterThan(30);
  }

  @Test
  void everyKeyIsAFlinkOption() {
    assertThat(FlinkOptionKeys.count()).as("options found by reflection").isGreaterThan(500);
    assertThat(FlinkOptionKeys.unknown(config.keySet()))
        .as("keys that Flink 2.x does not know (misspelt, or removed in 2.x)")
        .isEmpty();
  }

  @Test
  void usesTheFlink2KeysNotTheirDeprecatedNames() {
    assertThat(FlinkOptionKeys.deprecated(config.keySet())).isEmpty();
  }

  @Test
  void aMisspeltKeyIsCaught(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("config.yaml"),
        String.join(
            "\n",
            "execution.checkpointing.intervall: 30 s",
            "state.backend: rocksdb",
            "metrics.reporter.prom.prot: 9249",
            "metrics.reporter.prom.port: 9249",
            "env.java.opts.taskmanagr: -XX:+UseG1GC",
            ""));
    Configuration misspelt = GlobalConfiguration.loadConfiguration(dir.toString());

    assertThat(FlinkOptionKeys.unknown(misspelt.keySet()))
        .containsExactly(
            "env.java.opts.taskmanagr",
            "execution.checkpointing.intervall",
            "metrics.reporter.prom.prot");
    assertThat(FlinkOptionKeys.deprecated(misspelt.keySet())).containsExactly("state.backend");
  }

  @Test
  void aDuplicatedKeyIsRefusedByFlink(@TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("config.yaml"), "parallelism.default: 32\nparallelism.default: 8\n");

    assertThatThrownBy(() -> GlobalConfiguration.loadConfiguration(dir.toString()))
        .hasStackTraceContaining("duplicate key parallelism.default");
  }

  @Test
  void checkpointsEvery30SecondsExactlyOnceIncrementallyAndKeepsThemOnCancel() {
    DesignCheckpointing.assertCarriedBy(config);
    assertThat(config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo("file:///data/checkpoints");
    assertThat(config.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
        .isEqualTo("file:///data/checkpoints/savepoints");
  }

  @Test
  void keepsStateInRocksDbTunedForSpinningDisksWithMuchMemory() {
    assertThat(config.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(config.get(RocksDBOptions.PREDEFINED_OPTIONS))
        .isEqualTo("SPINNING_DISK_OPTIMIZED_HIGH_MEM");
  }

  @Test
  void restartsTenTimesThirtySecondsApart() {
    assertThat(config.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
    assertThat(config.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS))
        .isEqualTo(10);
    assertThat(config.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void flushesBuffersEvery100MillisecondsAndDebloatsThem() {
    assertThat(config.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(100));
    assertThat(config.get(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED)).isTrue();
  }

  @Test
  void givesEachTaskManager2GbOfWhich1GbManagedAndBoundedNetworkMemory() {
    assertThat(config.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY))
        .isEqualTo(MemorySize.parse("2g"));
    assertThat(config.get(TaskManagerOptions.MANAGED_MEMORY_SIZE))
        .isEqualTo(MemorySize.parse("1g"));
    assertThat(config.get(TaskManagerOptions.NETWORK_MEMORY_MIN))
        .isEqualTo(MemorySize.parse("256m"));
    assertThat(config.get(TaskManagerOptions.NETWORK_MEMORY_MAX))
        .isEqualTo(MemorySize.parse("512m"));
  }

  @Test
  void taskManagerMemoryAddsUpInFlinksOwnCalculator() {
    // The same computation a TaskManager does at start: it fails when the parts exceed the whole.
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(config);

    assertThat(spec.getTotalProcessMemorySize()).isEqualTo(MemorySize.parse("2g"));
    assertThat(spec.getManagedMemorySize()).isEqualTo(MemorySize.parse("1g"));
    assertThat(spec.getNetworkMemSize()).isEqualTo(MemorySize.parse("256m"));
    // What is left for the tasks' heap (about 51 MB for 4 slots) is small: see the config's note.
    assertThat(spec.getTaskHeapSize().getBytes()).isPositive();
    assertThat(spec.getNumSlots()).isEqualTo(4);
  }

  @Test
  void runsG1WithA200MillisecondPauseTargetOnEveryProcess() {
    assertThat(config.get(CoreOptions.FLINK_JM_JVM_OPTIONS)).isEqualTo(G1);
    assertThat(config.get(CoreOptions.FLINK_TM_JVM_OPTIONS)).isEqualTo(G1);
  }

  @Test
  void runsJobs32WideWithTheJobsOwnLibrariesFirst() {
    assertThat(config.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(32);
    assertThat(config.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(4);
    assertThat(config.get(CoreOptions.CLASSLOADER_RESOLVE_ORDER)).isEqualTo("child-first");
    assertThat(config.get(WebOptions.SUBMIT_ENABLE)).isFalse();
  }

  @Test
  void reportsMetricsToPrometheusOnPort9249() {
    assertThat(config.toMap())
        .containsEntry(
            "metrics.reporter.prom.factory.class",
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
        .containsEntry("metrics.reporter.prom.port", "9249");
  }
}
