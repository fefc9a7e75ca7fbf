package com.dcmms.telemetry.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Kafka clients' settings: the sinks linger only where the checkpoint decides visibility
 * anyway; the source fetches little at a time.
 */
class KafkaClientSettingsTest {
  private static Map<String, String> settings(Map<String, String> options) {
    return TelemetryJob.producerSettings(TelemetryJobOptions.fromMap(options), "validated");
  }

  @Test
  void exactlyOnceLingersASecondInATransactionThatOutlivesTheCheckpoint() {
    assertThat(settings(Map.of()))
        .containsEntry("linger.ms", "1000")
        .containsEntry("transaction.timeout.ms", Long.toString(15 * 60 * 1000))
        .containsEntry("compression.type", "lz4")
        .containsEntry("batch.size", "65536")
        .containsEntry("buffer.memory", "2097152")
        .containsEntry("client.id", "telemetry-validated");
  }

  @Test
  void atLeastOnceRecordsAreVisibleAtOnceSoTheyHardlyLinger() {
    assertThat(settings(Map.of("kafka.delivery-guarantee", "at-least-once")))
        .containsEntry("linger.ms", "10")
        .doesNotContainKey("transaction.timeout.ms");
  }

  @Test
  void kafkaPropertiesOverrideOurs() {
    assertThat(
            settings(
                Map.of("kafka.property.linger.ms", "5", "kafka.property.security.protocol", "SSL")))
        .containsEntry("linger.ms", "5")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void theSourceFetchesAQuarterMibPerPartitionAndCommitsOnCheckpoints() {
    assertThat(TelemetryJob.consumerSettings(TelemetryJobOptions.defaults()))
        .containsEntry("max.partition.fetch.bytes", "262144")
        .containsEntry("fetch.max.bytes", "1048576")
        .containsEntry("commit.offsets.on.checkpoint", "true");
  }

  @Test
  void kafkaPropertiesOverrideTheSourcesSettingsToo() {
    assertThat(
            TelemetryJob.consumerSettings(
                TelemetryJobOptions.fromMap(
                    Map.of("kafka.property.max.partition.fetch.bytes", "1048576"))))
        .containsEntry("max.partition.fetch.bytes", "1048576");
  }
}
