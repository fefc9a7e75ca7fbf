package com.dcmms.telemetry.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service reads the job's options through their definitions, from files, environment and -D.
 */
class JobOptionsFromConfigTest {
  @Test
  void readsTelemetryKeysAndKeepsTheDefinitionsDefaultsForTheRest() {
    TelemetryJobOptions o =
        JobOptionsFromConfig.options(
            config(
                Map.of(
                    "telemetry.state.backend",
                    "hashmap",
                    "telemetry.dedup.window",
                    "30s",
                    "telemetry.kafka.property.security.protocol",
                    "SSL",
                    "telemetry.validation.range.VOLTAGE",
                    "0..400"),
                Map.of(),
                Map.of()));

    assertThat(o.stateBackend()).isEqualTo("hashmap");
    assertThat(o.dedupWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.kafkaProperties()).containsEntry("security.protocol", "SSL");
    assertThat(o.sensorRanges().get("VOLTAGE").max()).isEqualTo(400);
    Map<String, String> changed = new HashMap<>(o.asMap());
    changed.entrySet().removeAll(TelemetryJobOptions.defaults().asMap().entrySet());
    assertThat(changed)
        .as("everything else keeps the definitions' default")
        .containsOnlyKeys(
            "state.backend",
            "dedup.window",
            "kafka.property.security.protocol",
            "validation.range.VOLTAGE");
  }

  @Test
  void letsAnOptionsOwnVariableWinOverThePackagedFile() {
    TelemetryJobOptions o =
        JobOptionsFromConfig.options(
            config(
                Map.of("telemetry.state.backend", "hashmap", "telemetry.checkpoint.interval", "5s"),
                Map.of(
                    "STATE_BACKEND",
                    "rocksdb",
                    "CHECKPOINT_INTERVAL_MS",
                    "1000",
                    "KAFKA_BROKERS",
                    "kafka:9092",
                    "QUESTDB_HTTP_PORT",
                    "19000"),
                Map.of()));

    assertThat(o.stateBackend()).isEqualTo("rocksdb");
    assertThat(o.checkpointInterval())
        .as("a bare number is milliseconds")
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(o.kafkaBootstrapServers()).isEqualTo("kafka:9092");
    assertThat(o.questDbHttpPort()).isEqualTo(19000);
  }

  @Test
  void letsTelemetryVariablesAndSystemPropertiesWinOverTheDesignsVariable() {
    TelemetryJobOptions o =
        JobOptionsFromConfig.options(
            config(
                Map.of(),
                Map.of(
                    "FLINK_PARALLELISM",
                    "4",
                    "TELEMETRY_PARALLELISM",
                    "6",
                    "KAFKA_BROKERS",
                    "kafka:9092",
                    "TELEMETRY_QUESTDB_PASSWORD",
                    "pw"),
                Map.of("telemetry.kafka.bootstrap-servers", "other:9092")));

    assertThat(o.parallelism()).isEqualTo(6);
    assertThat(o.kafkaBootstrapServers()).isEqualTo("other:9092");
    assertThat(o.questDbPassword()).isEqualTo("pw");
  }

  @Test
  void ignoresBlankVariablesAndRefusesBadValuesNamingTheKey() {
    assertThat(
            JobOptionsFromConfig.options(
                    config(Map.of(), Map.of("FLINK_PARALLELISM", " "), Map.of()))
                .parallelism())
        .isEqualTo(TelemetryJobOptions.defaults().parallelism());
    assertThatThrownBy(
            () ->
                JobOptionsFromConfig.options(
                    config(Map.of(), Map.of("CHECKPOINT_INTERVAL_MS", "soon"), Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "telemetry option 'checkpoint.interval' must be a positive duration");
  }

  /**
   * The packaged file (250), the environment (300) and system properties (400), as Quarkus orders
   * them.
   */
  private static SmallRyeConfig config(
      Map<String, String> file, Map<String, String> env, Map<String, String> system) {
    return new SmallRyeConfigBuilder()
        .withSources(new PropertiesConfigSource(file, "application.properties", 250))
        .withSources(new EnvConfigSource(env, 300))
        .withSources(new PropertiesConfigSource(system, "system", 400))
        .build();
  }
}
