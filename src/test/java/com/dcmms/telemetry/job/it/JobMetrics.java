package com.dcmms.telemetry.job.it;

import com.dcmms.telemetry.faults.PipelineCounters;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.scope.ScopeFormat;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** The job's own Flink metrics on a test MiniCluster, summed over subtasks. */
public final class JobMetrics {
  private final InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();

  /** The MiniCluster configuration that reports to this. */
  public Configuration configuration() {
    return reporter.addToConfiguration(new Configuration());
  }

  /** The sum of a metric over all subtasks of the job, e.g. {@code questdbRowsWritten}. */
  public double sum(JobID job, String name) {
    return sum(job, id -> id.endsWith("." + name));
  }

  /** The sum of a metric of one operator, e.g. ("validate", "numRecordsIn"). */
  public double sum(JobID job, String operator, String name) {
    return sum(job, id -> id.matches(".*\\." + operator + "\\.\\d+\\." + name));
  }

  /**
   * The pipeline's counters over every attempt of every subtask: exact for a job that never
   * restarted.
   */
  public PipelineCounters counters(JobID job) {
    return PipelineCounters.from((name, labels) -> total(job, name, labels, false));
  }

  /**
   * The counters of each subtask's latest attempt: after a restart, what the job counted since it
   * restored its checkpoint, replayed records included.
   */
  public PipelineCounters latestAttemptCounters(JobID job) {
    return PipelineCounters.from((name, labels) -> total(job, name, labels, true));
  }

  private double total(
      JobID job, String name, Predicate<Map<String, String>> labels, boolean latestAttemptOnly) {
    Map<MetricGroup, Map<String, Metric>> groups = reporter.getMetricsByGroup();
    Map<String, Integer> latestAttempt = new HashMap<>();
    groups.keySet().forEach(g -> latestAttempt.merge(subtask(g), attempt(g), Math::max));
    double total = 0;
    for (Map.Entry<MetricGroup, Map<String, Metric>> e : groups.entrySet()) {
      MetricGroup g = e.getKey();
      Metric metric = e.getValue().get(name);
      Map<String, String> vars = g.getAllVariables();
      if (metric == null
          || !job.toString().equals(vars.get(ScopeFormat.SCOPE_JOB_ID))
          || (latestAttemptOnly && attempt(g) < latestAttempt.get(subtask(g)))) {
        continue;
      }
      Map<String, String> plain = new HashMap<>();
      vars.forEach((k, v) -> plain.put(k.substring(1, k.length() - 1), v));
      if (labels.test(plain)) {
        total += value(metric);
      }
    }
    return total;
  }

  private static String subtask(MetricGroup g) {
    Map<String, String> vars = g.getAllVariables();
    return vars.get(ScopeFormat.SCOPE_TASK_VERTEX_ID)
        + "/"
        + vars.get(ScopeFormat.SCOPE_TASK_SUBTASK_INDEX);
  }

  /** Groups outside a task (the JobManager's) have no attempt: always the latest. */
  private static int attempt(MetricGroup g) {
    String n = g.getAllVariables().get(ScopeFormat.SCOPE_TASK_ATTEMPT_NUM);
    return n == null ? 0 : Integer.parseInt(n);
  }

  private static double value(Metric metric) {
    if (metric instanceof Counter c) {
      return c.getCount();
    }
    return metric instanceof Gauge<?> g && g.getValue() instanceof Number n ? n.doubleValue() : 0;
  }

  private double sum(JobID job, Predicate<String> identifier) {
    Map<String, Metric> metrics = new HashMap<>(reporter.getMetricsByIdentifiers(job));
    double total = 0;
    for (Map.Entry<String, Metric> e : metrics.entrySet()) {
      if (!identifier.test(e.getKey())) {
        continue;
      }
      if (e.getValue() instanceof Counter c) {
        total += c.getCount();
      } else if (e.getValue() instanceof Gauge<?> g && g.getValue() instanceof Number n) {
        total += n.doubleValue();
      }
    }
    return total;
  }
}
