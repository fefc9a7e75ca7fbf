package com.dcmms.telemetry.host.health;

import com.dcmms.telemetry.host.ServiceConfig;
import com.dcmms.telemetry.host.flink.FlinkUnavailable;
import com.dcmms.telemetry.host.flink.PipelineStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.flink.api.common.JobStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the job and all its tasks are RUNNING and its newest checkpoint is recent enough.
 * After a failure it is ready again only once a checkpoint has completed since: a job that fails at
 * every attempt (say, Kafka refuses its credentials) is never ready between two attempts.
 */
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
    PipelineStatus.Health health;
    try {
      health = status.health();
    } catch (FlinkUnavailable e) {
      return HealthCheckResponse.named("telemetry-pipeline")
          .down()
          .withData("jobState", "UNKNOWN")
          .withData("reason", e.getMessage())
          .build();
    }
    String state = health.state().map(Enum::name).orElse("NOT_RUNNING");
    PipelineStatus.Checkpoints cp = health.checkpoints();
    // Before the first checkpoint, the job's age stands in for the checkpoint's.
    long age =
        cp.latestAgeMs() != null
            ? cp.latestAgeMs()
            : System.currentTimeMillis() - status.submittedAt();
    long bound = config.readiness().maxCheckpointAge().toMillis();
    long checkpointedAt = cp.latest() == null ? Long.MIN_VALUE : cp.latest().completedAt();
    boolean recovered = health.lastFailure().map(f -> f.failedAt() < checkpointedAt).orElse(true);
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("telemetry-pipeline")
            .status(
                JobStatus.RUNNING.name().equals(state)
                    && health.allTasksRunning()
                    && recovered
                    && age <= bound)
            .withData("jobState", state)
            .withData("lastCheckpointAgeMs", cp.latestAgeMs() == null ? -1 : cp.latestAgeMs())
            .withData("maxCheckpointAgeMs", bound)
            .withData("completedCheckpoints", cp.completed());
    health.lastFailure().ifPresent(f -> response.withData("lastFailure", f.message()));
    return response.build();
  }
}
