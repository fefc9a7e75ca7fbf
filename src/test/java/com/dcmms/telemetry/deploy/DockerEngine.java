package com.dcmms.telemetry.deploy;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a test class, saying why, where no Docker engine answers (Testcontainers looks at
 * DOCKER_HOST and the local socket). A condition, not an assumption in a callback: it is evaluated
 * before any extension starts servers, and Surefire reports the test as skipped with this reason.
 */
final class DockerEngine implements ExecutionCondition {
  private static final Logger LOG = LoggerFactory.getLogger(DockerEngine.class);

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      return ConditionEvaluationResult.enabled("a Docker engine answers");
    }
    String reason =
        "no Docker engine answers (DOCKER_HOST, /var/run/docker.sock): "
            + context.getDisplayName()
            + " is skipped";
    LOG.warn(reason);
    return ConditionEvaluationResult.disabled(reason);
  }
}
