package com.dcmms.telemetry.host.health;

import com.dcmms.telemetry.host.flink.FlinkUnavailable;
import com.dcmms.telemetry.host.flink.PipelineStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.flink.api.common.JobStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive unless the job has FAILED for good (restarts exhausted) or the embedded cluster does not
 * answer: then only a restart of the service, which resumes from the last checkpoint, brings it
 * back.
 */
@Liveness
@ApplicationScoped
public class PipelineLiveness implements HealthCheck {
  private final PipelineStatus status;

  PipelineLiveness(PipelineStatus status) {
    this.status = status;
  }

  @Override
  public HealthCheckResponse call() {
    String state;
    try {
      state = status.state().map(Enum::name).orElse("NOT_RUNNING");
    } catch (FlinkUnavailable e) {
      // A cluster that stops answering for good is only cured by a restart; a probe's failure
      // threshold keeps one slow answer from causing it.
      return HealthCheckResponse.named("telemetry-service")
          .down()
          .withData("jobState", "UNKNOWN")
          .withData("reason", e.getMessage())
          .build();
    }
    return HealthCheckResponse.named("telemetry-service")
        .status(!JobStatus.FAILED.name().equals(state))
        .withData("jobState", state)
        .build();
  }
}
