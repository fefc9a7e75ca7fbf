package com.dcmms.telemetry.host.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.flink.util.SerializedThrowable;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class FailureSummaryTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule "
          + "required username=\"telemetry\" password=\"s3cret-Pa55\";";
  private final TelemetryJobOptions options =
      TelemetryJobOptions.fromMap(
          Map.of(
              "kafka.bootstrap-servers", "kafka-1:9093",
              "kafka.property.sasl.jaas.config", JAAS,
              "kafka.property.ssl.truststore.password", "trust-me"));

  @Test
  void saysThatKafkaRefusedTheCredentialsAndWhichOptionToCheck() {
    // As the enumerator fails, and as the failure reaches the host: serialized.
    Throwable failure =
        new SerializedThrowable(
            new FlinkRuntimeException(
                "Failed to list subscribed topic partitions",
                new RuntimeException(
                    "Failed to get metadata for topics [raw_telemetry].",
                    new ExecutionException(
                        new SaslAuthenticationException(
                            "Authentication failed during authentication due "
                                + "to invalid credentials with SASL mechanism SCRAM-SHA-512")))));

    assertThat(FailureSummary.of(failure, options))
        .isEqualTo(
            "Kafka at kafka-1:9093 refused the "
                + "credentials (check kafka.property.sasl.jaas.config and sasl.mechanism): "
                + "SaslAuthenticationException: Authentication failed during authentication due to invalid "
                + "credentials with SASL mechanism SCRAM-SHA-512");
  }

  @Test
  void saysThatKafkaDeniedAccess() {
    Throwable failure =
        new SerializedThrowable(
            new RuntimeException(
                "send failed",
                new TopicAuthorizationException(
                    "Not authorized to access topics: [validated_telemetry]")));

    assertThat(FailureSummary.of(failure, options))
        .isEqualTo(
            "Kafka at kafka-1:9093 denied access "
                + "(check the ACLs of the job's user): TopicAuthorizationException: Not authorized to "
                + "access topics: [validated_telemetry]");
  }

  @Test
  void givesTheRootCauseOfAnyOtherFailure() {
    Throwable failure =
        new SerializedThrowable(
            new RuntimeException("outer", new IllegalStateException("QuestDB down")));

    assertThat(FailureSummary.of(failure, options))
        .isEqualTo("IllegalStateException: QuestDB down");
  }

  @Test
  void masksConfiguredSecretsWhereverAMessageCarriesThem() {
    Throwable failure =
        new IllegalArgumentException(
            "bad JAAS line " + JAAS + " or password s3cret-Pa55, store trust-me");

    assertThat(FailureSummary.of(failure, options))
        .isEqualTo("IllegalArgumentException: bad JAAS line **** or password ****, store ****");
  }
}
