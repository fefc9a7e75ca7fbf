package com.dcmms.telemetry.host.flink;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.jboss.logging.Logger;

/**
 * Logs one line per failure of the job: why (see {@link FailureSummary}) and whether Flink restarts
 * it. Flink itself logs failures at INFO (hidden) or per task with stack traces. One attempt can
 * fail twice (a task, then the source coordinator, with the same cause): a failure with the cause
 * of the one logged last, less than restart.delay after it, is not logged again.
 */
final class JobFailureLog implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(JobFailureLog.class);

  private final Supplier<Optional<AccessExecutionGraph>> graph;
  private final TelemetryJobOptions options;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "telemetry-job-failure-log");
            t.setDaemon(true);
            return t;
          });
  private long lastSeen;
  private long lastLogged;
  private String lastCause = "";

  private JobFailureLog(
      Supplier<Optional<AccessExecutionGraph>> graph, TelemetryJobOptions options) {
    this.graph = graph;
    this.options = options;
  }

  /** Looks at the job every second until closed. */
  static JobFailureLog watch(
      Supplier<Optional<AccessExecutionGraph>> graph, TelemetryJobOptions options) {
    JobFailureLog log = new JobFailureLog(graph, options);
    log.timer.scheduleWithFixedDelay(log::check, 1, 1, TimeUnit.SECONDS);
    return log;
  }

  private void check() {
    try {
      graph
          .get()
          .ifPresent(
              g -> {
                ErrorInfo failure = g.getFailureInfo();
                if (failure == null || failure.getTimestamp() <= lastSeen) {
                  return;
                }
                lastSeen = failure.getTimestamp();
                String why = FailureSummary.of(failure.getException(), options);
                JobStatus state = g.getState();
                boolean terminal = state == JobStatus.FAILED || state == JobStatus.FAILING;
                long sinceLogged = failure.getTimestamp() - lastLogged;
                if (!terminal
                    && why.equals(lastCause)
                    && sinceLogged < Math.max(options.restartDelay().toMillis(), 1_000)) {
                  return;
                }
                lastLogged = failure.getTimestamp();
                lastCause = why;
                if (terminal) {
                  LOG.errorf(
                      "Telemetry job %s failed for good (restart.attempts=%d used up); liveness is "
                          + "DOWN: %s",
                      g.getJobID(), options.restartAttempts(), why);
                } else {
                  LOG.warnf(
                      "Telemetry job %s failed and restarts in %s (at most %d restarts): %s",
                      g.getJobID(),
                      seconds(options.restartDelay()),
                      options.restartAttempts(),
                      why);
                }
              });
    } catch (RuntimeException e) {
      // Never let the timer die: the next look may work.
      LOG.debugf("Could not look at the job's failures: %s", e);
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
