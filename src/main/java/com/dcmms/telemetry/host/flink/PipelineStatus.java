package com.dcmms.telemetry.host.flink;

import com.dcmms.telemetry.host.metrics.MicrometerReporter;
import io.quarkus.info.BuildInfo;
import io.quarkus.info.GitInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsCounts;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.checkpoint.FailedCheckpointStats;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;

/** Read-only views of the embedded job and its checkpoints, for the API and health checks. */
@ApplicationScoped
public class PipelineStatus {
  private final EmbeddedFlink flink;
  private final String version;
  private final String commit;

  @Inject
  PipelineStatus(EmbeddedFlink flink, Instance<BuildInfo> build, Instance<GitInfo> git) {
    // Built outside a git checkout, the commit is unknown.
    this(
        flink,
        build.isResolvable() ? build.get().version() : null,
        git.isResolvable() ? git.get().latestCommitId() : null);
  }

  protected PipelineStatus(EmbeddedFlink flink, String version, String commit) {
    this.flink = flink;
    this.version = version;
    this.commit = commit;
  }

  /**
   * The job as {@code GET /api/pipeline} shows it, with the product's version and the commit it was
   * built from.
   */
  public record Pipeline(
      String version,
      String commit,
      String jobId,
      String jobName,
      String state,
      int parallelism,
      long uptimeMs,
      long restarts,
      String restoredFrom,
      JobFailure lastFailure) {}

  /** The job's latest failure: one line saying why (see {@link FailureSummary}), and when. */
  public record JobFailure(String message, long failedAt) {}

  /** One checkpoint: id, duration, sizes and completion time (epoch ms). */
  public record Checkpoint(
      long id,
      long durationMs,
      long stateSizeBytes,
      long checkpointedSizeBytes,
      long completedAt,
      String path) {}

  /** The latest failed checkpoint. */
  public record Failure(long id, String message, long failedAt) {}

  /** A completed checkpoint of the recent history: enough to judge durations by id across looks. */
  public record Recent(long id, long durationMs, long stateSizeBytes, long completedAt) {}

  /**
   * Checkpoint counts, the latest completed and failed ones, and the completed checkpoints still in
   * Flink's history ({@code web.checkpoints.history} of them at most, newest first), as {@code GET
   * /api/checkpoints} shows them.
   */
  public record Checkpoints(
      long completed,
      long failed,
      int inProgress,
      long restored,
      Checkpoint latest,
      Failure latestFailure,
      Long latestAgeMs,
      List<Recent> recent) {}

  public Pipeline pipeline() {
    Optional<AccessExecutionGraph> graph = flink.executionGraph();
    if (graph.isEmpty()) {
      return new Pipeline(
          version, commit, null, null, "NOT_RUNNING", 0, 0, 0, flink.restoredFrom(), null);
    }
    AccessExecutionGraph g = graph.get();
    long runningSince = g.getStatusTimestamp(JobStatus.RUNNING);
    long uptime =
        g.getState() == JobStatus.RUNNING && runningSince > 0
            ? System.currentTimeMillis() - runningSince
            : 0;
    long restarts =
        (long) MicrometerReporter.currentValue("flink_jobmanager_job_numRestarts").orElse(0);
    return new Pipeline(
        version,
        commit,
        g.getJobID().toString(),
        g.getJobName(),
        g.getState().name(),
        flink.options().parallelism(),
        uptime,
        restarts,
        flink.restoredFrom(),
        lastFailure(g).orElse(null));
  }

  /** The latest failure of the job, if it ever failed since it was submitted. */
  Optional<JobFailure> lastFailure(AccessExecutionGraph g) {
    ErrorInfo info = g.getFailureInfo();
    return info == null
        ? Optional.empty()
        : Optional.of(
            new JobFailure(
                FailureSummary.of(info.getException(), flink.options()), info.getTimestamp()));
  }

  public Optional<JobStatus> state() {
    return flink.executionGraph().map(AccessExecutionGraph::getState);
  }

  /**
   * The job's state, whether every task runs, its latest failure and its checkpoints, read from one
   * look at the execution graph.
   */
  public record Health(
      Optional<JobStatus> state,
      boolean allTasksRunning,
      Optional<JobFailure> lastFailure,
      Checkpoints checkpoints) {}

  public Health health() {
    Optional<AccessExecutionGraph> graph = flink.executionGraph();
    return new Health(
        graph.map(AccessExecutionGraph::getState),
        graph.map(PipelineStatus::allTasksRunning).orElse(false),
        graph.flatMap(this::lastFailure),
        checkpoints(graph));
  }

  private static boolean allTasksRunning(AccessExecutionGraph g) {
    for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
      if (v.getExecutionState() != ExecutionState.RUNNING) {
        return false;
      }
    }
    return true;
  }

  public Checkpoints checkpoints() {
    return checkpoints(flink.executionGraph());
  }

  private static Checkpoints checkpoints(Optional<AccessExecutionGraph> graph) {
    CheckpointStatsSnapshot stats =
        graph.map(AccessExecutionGraph::getCheckpointStatsSnapshot).orElse(null);
    if (stats == null) {
      return new Checkpoints(0, 0, 0, 0, null, null, null, List.of());
    }
    CheckpointStatsCounts counts = stats.getCounts();
    CompletedCheckpointStats done = stats.getHistory().getLatestCompletedCheckpoint();
    FailedCheckpointStats failed = stats.getHistory().getLatestFailedCheckpoint();
    Checkpoint latest =
        done == null
            ? null
            : new Checkpoint(
                done.getCheckpointId(),
                done.getEndToEndDuration(),
                done.getStateSize(),
                done.getCheckpointedSize(),
                done.getLatestAckTimestamp(),
                done.getExternalPath());
    Failure failure =
        failed == null
            ? null
            : new Failure(
                failed.getCheckpointId(), failed.getFailureMessage(), failed.getFailureTimestamp());
    Long age = latest == null ? null : System.currentTimeMillis() - latest.completedAt();
    return new Checkpoints(
        counts.getNumberOfCompletedCheckpoints(),
        counts.getNumberOfFailedCheckpoints(),
        counts.getNumberOfInProgressCheckpoints(),
        counts.getNumberOfRestoredCheckpoints(),
        latest,
        failure,
        age,
        recent(stats));
  }

  /**
   * Every checkpoint's duration, not only the latest: a client that looks now and then misses some.
   */
  private static List<Recent> recent(CheckpointStatsSnapshot stats) {
    List<Recent> recent = new ArrayList<>();
    for (AbstractCheckpointStats c : stats.getHistory().getCheckpoints()) {
      if (c instanceof CompletedCheckpointStats done && !done.getProperties().isSavepoint()) {
        recent.add(
            new Recent(
                done.getCheckpointId(),
                done.getEndToEndDuration(),
                done.getStateSize(),
                done.getLatestAckTimestamp()));
      }
    }
    return recent;
  }

  /**
   * How many QuestDB sink subtasks are retrying a write that QuestDB did not take (each one's
   * {@code questdbUnavailable} gauge is 1 meanwhile); empty while no sink runs.
   */
  public OptionalDouble questDbUnavailableSubtasks() {
    return MicrometerReporter.total("flink_taskmanager_job_task_operator_questdbUnavailable");
  }

  /** When the job was submitted (epoch ms): the reference age before the first checkpoint. */
  public long submittedAt() {
    return flink.submittedAt();
  }
}
