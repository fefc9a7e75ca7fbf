package com.dcmms.telemetry.host.health;

import com.dcmms.telemetry.host.ServiceConfig;
import com.dcmms.telemetry.host.flink.PipelineStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.flink.api.common.JobStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready while the job is RUNNING and its newest checkpoint is recent enough. */
@Readiness
@ApplicationScoped
public class PipelineReadiness implements HealthCheck {
  private final PipelineStatus status;
  private final ServiceConfig config;

  PipelineReadiness(PipelineStatus status, ServiceConfig config) {
    this.status = status;
    this.config = config;
  }

  @Override
  public HealthCheckResponse call() {
    PipelineStatus.Health health = status.health();
    String state = health.state().map(Enum::name).orElse("NOT_RUNNING");
    PipelineStatus.Checkpoints cp = health.checkpoints();
    // Before the first checkpoint, the job's age stands in for the checkpoint's.
    long age = cp.latestAgeMs() != null ? cp.latestAgeMs()
        : System.currentTimeMillis() - status.submittedAt();
    long bound = config.readiness().maxCheckpointAge().toMillis();
    return HealthCheckResponse.named("telemetry-pipeline")
        .status(JobStatus.RUNNING.name().equals(state) && age <= bound)
        .withData("jobState", state)
        .withData("lastCheckpointAgeMs", cp.latestAgeMs() == null ? -1 : cp.latestAgeMs())
        .withData("maxCheckpointAgeMs", bound)
        .withData("completedCheckpoints", cp.completed())
        .build();
  }
}
