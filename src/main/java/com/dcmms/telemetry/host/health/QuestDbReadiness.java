package com.dcmms.telemetry.host.health;

import com.dcmms.telemetry.host.flink.PipelineStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.OptionalDouble;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the QuestDB sink cannot write: a subtask is retrying a batch QuestDB did not
 * take, so the pipeline is backpressured and stores nothing until QuestDB answers again. The sink
 * finds out when it writes, so an outage shows once readings wait for it.
 */
@Readiness
@ApplicationScoped
public class QuestDbReadiness implements HealthCheck {
  private final PipelineStatus status;

  QuestDbReadiness(PipelineStatus status) {
    this.status = status;
  }

  @Override
  public HealthCheckResponse call() {
    OptionalDouble retrying = status.questDbUnavailableSubtasks();
    boolean unavailable = retrying.orElse(0) > 0;
    // No sink running: the job's own check says why; this one has nothing to add.
    String questDb = retrying.isEmpty() ? "unknown" : unavailable ? "unavailable" : "available";
    return HealthCheckResponse.named("questdb-sink")
        .status(!unavailable)
        .withData("questdb", questDb)
        .withData("retryingSubtasks", (long) retrying.orElse(0))
        .build();
  }
}
