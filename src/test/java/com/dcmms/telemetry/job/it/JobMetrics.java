package com.dcmms.telemetry.job.it;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** The job's own Flink metrics on a test MiniCluster, summed over subtasks. */
final class JobMetrics {
  private final InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();

  /** The MiniCluster configuration that reports to this. */
  Configuration configuration() {
    return reporter.addToConfiguration(new Configuration());
  }

  /** The sum of a metric over all subtasks of the job, e.g. {@code questdbRowsWritten}. */
  double sum(JobID job, String name) {
    return sum(job, id -> id.endsWith("." + name));
  }

  /** The sum of a metric of one operator, e.g. ("validate", "numRecordsIn"). */
  double sum(JobID job, String operator, String name) {
    return sum(job, id -> id.matches(".*\\." + operator + "\\.\\d+\\." + name));
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
