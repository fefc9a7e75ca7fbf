package com.dcmms.telemetry.host.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.host.flink.FlinkUnavailable;
import com.dcmms.telemetry.host.flink.PipelineStatus;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** A cluster that does not answer makes both probes DOWN with the reason, never a guess. */
class HealthWhenFlinkDoesNotAnswerTest {
  private static final String WHY = "the embedded Flink cluster did not answer within 5000 ms";

  private final PipelineStatus silent =
      new PipelineStatus(null, "1.0.0", "abc") {
        @Override
        public Health health() {
          throw new FlinkUnavailable(WHY, null);
        }

        @Override
        public Optional<JobStatus> state() {
          throw new FlinkUnavailable(WHY, null);
        }
      };

  @Test
  void readinessIsDownWithTheReason() {
    HealthCheckResponse response = new PipelineReadiness(silent, null).call();
    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    assertThat(response.getData().orElseThrow())
        .containsEntry("jobState", "UNKNOWN")
        .containsEntry("reason", WHY);
  }

  @Test
  void livenessIsDownWithTheReason() {
    HealthCheckResponse response = new PipelineLiveness(silent).call();
    assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    assertThat(response.getData().orElseThrow())
        .containsEntry("jobState", "UNKNOWN")
        .containsEntry("reason", WHY);
  }
}
