package com.dcmms.telemetry.host.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.executiongraph.ExecutionGraphID;
import org.apache.flink.runtime.jobgraph.JobVertexID;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.NoOpMetricRegistry;
import org.apache.flink.runtime.metrics.filter.ReporterFilter;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.metrics.groups.FrontMetricGroup;
import org.apache.flink.runtime.metrics.groups.JobManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.ReporterScopedSettings;
import org.apache.flink.runtime.metrics.groups.TaskManagerJobMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.scheduler.strategy.ExecutionVertexID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flink's metrics reach Micrometer with the names and labels of Flink's Prometheus reporter. */
class FlinkMetricsBridgeTest {
  private static final String OPERATOR_SCOPE = "flink_taskmanager_job_task_operator_";
  private static final ReporterScopedSettings<org.apache.flink.metrics.Metric> SETTINGS =
      new ReporterScopedSettings<>(0, '.', ReporterFilter.getNoOpFilter(), Set.of(), Map.of());

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MicrometerReporter reporter = new MicrometerReporter(registry);
  private final TaskManagerJobMetricGroup tmJob =
      TaskManagerMetricGroup.createTaskManagerMetricGroup(
              NoOpMetricRegistry.INSTANCE, "host-1", ResourceID.generate())
          .addJob(new JobID(), "telemetry");
  private final JobVertexID vertex = new JobVertexID();

  @BeforeEach
  void open() {
    reporter.open(new MetricConfig());
  }

  @AfterEach
  void close() {
    reporter.close();
    MicrometerReporter.useRegistry(null);
  }

  @Test
  void namesSeriesLikeFlinksPrometheusReporter() {
    MetricGroup operator = operator(0, 0);
    add(new SimpleCounter(), "numRecordsIn", operator);
    add(gauge(42L), "lastCheckpointDuration", jobManagerJob());
    add(new SimpleCounter(), "bytes.in-rate", operator);

    assertThat(registry.getMeters())
        .extracting(m -> m.getId().getName())
        .containsExactlyInAnyOrder(
            OPERATOR_SCOPE + "numRecordsIn",
            "flink_jobmanager_job_lastCheckpointDuration",
            OPERATOR_SCOPE + "bytes_in_rate");
    assertThat(registry.scrape())
        .contains("flink_jobmanager_job_lastCheckpointDuration{job_name=\"telemetry\",} 42.0")
        .doesNotContain("_total");
  }

  @Test
  void userKeyValueGroupIsPartOfTheScopeAndALabel() {
    // Flink's own reporter keeps the key in the name too: the dashboards query it that way.
    add(new SimpleCounter(), "telemetryRejected", operator(0, 0).addGroup("reason", "NOT_JSON"));

    Meter meter = registry.get(OPERATOR_SCOPE + "reason_telemetryRejected").meter();
    assertThat(meter.getId().getTag("reason")).isEqualTo("NOT_JSON");
  }

  @Test
  void keepsJobTaskOperatorAndUserLabelsAndDropsIdentifiers() {
    add(
        new SimpleCounter(),
        "telemetryDuplicatesDropped",
        operator(3, 2).addGroup("kind", "exact"));

    Meter meter = registry.get(OPERATOR_SCOPE + "kind_telemetryDuplicatesDropped").meter();
    assertThat(meter.getId().getTags())
        .extracting(t -> t.getKey() + "=" + t.getValue())
        .containsExactlyInAnyOrder(
            "job_name=telemetry",
            "task_name=Validate",
            "subtask_index=3",
            "operator_name=validate",
            "kind=exact");
    assertThat(registry.scrape())
        .doesNotContain(
            "host=",
            "tm_id=",
            "job_id=",
            "task_id=",
            "task_attempt_id=",
            "task_attempt_num=",
            "operator_id=");
  }

  @Test
  void publishesCountersGaugesAndMetersAsGauges() {
    MetricGroup operator = operator(0, 0);
    Counter counter = new SimpleCounter();
    counter.inc(7);
    add(counter, "questdbRowsWritten", operator);
    add(gauge(12), "questdbPendingRows", operator);
    add(gauge(true), "questdbUnavailable", operator);
    add(meter(2.5), "numRecordsInPerSecond", operator);

    assertThat(value(OPERATOR_SCOPE + "questdbRowsWritten")).isEqualTo(7.0);
    assertThat(value(OPERATOR_SCOPE + "questdbPendingRows")).isEqualTo(12.0);
    assertThat(value(OPERATOR_SCOPE + "questdbUnavailable")).isEqualTo(1.0);
    assertThat(value(OPERATOR_SCOPE + "numRecordsInPerSecond")).isEqualTo(2.5);
    assertThat(registry.getMeters()).allMatch(m -> m instanceof Gauge);
    counter.inc();
    assertThat(value(OPERATOR_SCOPE + "questdbRowsWritten")).isEqualTo(8.0);
  }

  @Test
  void publishesHistogramsAsSummariesLikeFlinksPrometheusReporter() {
    add(histogram(), "checkpointStartDelayNanos", jobManagerJob());

    // Flink's reporter: a summary family with a count and six quantiles, no sum.
    String name = "flink_jobmanager_job_checkpointStartDelayNanos";
    assertThat(registry.scrape().lines().filter(l -> l.contains(name)))
        .containsExactly(
            "# HELP " + name + " " + name,
            "# TYPE " + name + " summary",
            name + "_count{job_name=\"telemetry\",} 9.0",
            name + "{job_name=\"telemetry\",quantile=\"0.5\",} 500.0",
            name + "{job_name=\"telemetry\",quantile=\"0.75\",} 750.0",
            name + "{job_name=\"telemetry\",quantile=\"0.95\",} 950.0",
            name + "{job_name=\"telemetry\",quantile=\"0.98\",} 980.0",
            name + "{job_name=\"telemetry\",quantile=\"0.99\",} 990.0",
            name + "{job_name=\"telemetry\",quantile=\"0.999\",} 999.0");
    assertThat(registry.getMeters()).isEmpty();
    assertThat(MicrometerReporter.currentValue(name)).hasValue(9.0);
  }

  @Test
  void summariesOfSeveralSubtasksShareOneFamilyAndLeaveWithTheirMetric() {
    Histogram first = histogram();
    MetricGroup subtask0 = operator(0, 0);
    add(first, "latency", subtask0);
    add(histogram(), "latency", operator(1, 0));

    String name = OPERATOR_SCOPE + "latency";
    assertThat(registry.scrape().lines().filter(l -> l.startsWith("# TYPE " + name)))
        .containsExactly("# TYPE " + name + " summary");
    assertThat(registry.scrape().lines().filter(l -> l.startsWith(name + "_count{"))).hasSize(2);

    remove(first, "latency", subtask0);
    assertThat(registry.scrape().lines().filter(l -> l.startsWith(name + "_count{")))
        .singleElement()
        .asString()
        .contains("subtask_index=\"1\"");
    reporter.close();
    assertThat(registry.scrape()).doesNotContain(name);
  }

  @Test
  void readsNaNWhenAGaugeFailsOrHasNoValue() {
    MetricGroup operator = operator(0, 0);
    add(gauge(null), "notYetKnown", operator);
    add(
        (org.apache.flink.metrics.Gauge<Long>)
            () -> {
              throw new IllegalStateException("closed");
            },
        "failing",
        operator);

    assertThat(value(OPERATOR_SCOPE + "notYetKnown")).isNaN();
    assertThat(value(OPERATOR_SCOPE + "failing")).isNaN();
    assertThatCode(registry::scrape).doesNotThrowAnyException();
  }

  @Test
  void skipsGaugesThatAreNotNumeric() {
    add(gauge("s3://bucket/chk-7"), "lastCheckpointExternalPath", jobManagerJob());

    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void restartedTaskTakesOverTheSeriesWhenTheOldOneIsRemovedLater() {
    Counter before = counterOf(5);
    Counter after = counterOf(1);
    MetricGroup firstAttempt = operator(0, 0);
    MetricGroup secondAttempt = operator(0, 1);
    add(before, "numRecordsIn", firstAttempt);

    add(after, "numRecordsIn", secondAttempt);
    remove(before, "numRecordsIn", firstAttempt);

    assertThat(registry.find(OPERATOR_SCOPE + "numRecordsIn").gauges()).hasSize(1);
    assertThat(value(OPERATOR_SCOPE + "numRecordsIn")).isEqualTo(1.0);
  }

  @Test
  void restartedTaskRepublishesTheSeriesWhenTheOldOneWasRemovedFirst() {
    Counter before = counterOf(5);
    MetricGroup firstAttempt = operator(0, 0);
    add(before, "numRecordsIn", firstAttempt);
    remove(before, "numRecordsIn", firstAttempt);
    assertThat(registry.find(OPERATOR_SCOPE + "numRecordsIn").meters()).isEmpty();

    add(counterOf(2), "numRecordsIn", operator(0, 1));

    assertThat(value(OPERATOR_SCOPE + "numRecordsIn")).isEqualTo(2.0);
  }

  @Test
  void removesTheSeriesWithItsMetric() {
    Histogram histogram = histogram();
    MetricGroup jobManagerJob = jobManagerJob();
    add(histogram, "checkpointStartDelayNanos", jobManagerJob);
    add(counterOf(1), "numRecordsIn", operator(0, 0));

    remove(histogram, "checkpointStartDelayNanos", jobManagerJob);

    assertThat(registry.getMeters())
        .extracting(m -> m.getId().getName())
        .containsExactly(OPERATOR_SCOPE + "numRecordsIn");
    assertThat(registry.scrape()).doesNotContain("checkpointStartDelayNanos");
  }

  @Test
  void skipsASeriesWhoseLabelNamesDifferFromTheFirstOneWithThatName() {
    MetricGroup operator = operator(0, 0);
    // Both are named ..._kind_dropped; only the key-value one has a "kind" label.
    add(counterOf(1), "dropped", operator.addGroup("kind", "exact"));

    assertThatCode(() -> add(counterOf(2), "dropped", operator.addGroup("kind")))
        .doesNotThrowAnyException();

    assertThat(registry.find(OPERATOR_SCOPE + "kind_dropped").gauges())
        .singleElement()
        .satisfies(g -> assertThat(g.value()).isEqualTo(1.0));
    assertThatCode(registry::scrape).doesNotThrowAnyException();
  }

  @Test
  void closingUnpublishesEverything() {
    add(counterOf(1), "numRecordsIn", operator(0, 0));

    reporter.close();

    assertThat(registry.getMeters()).isEmpty();
    assertThat(MicrometerReporter.currentValue(OPERATOR_SCOPE + "numRecordsIn")).isEmpty();
  }

  @Test
  void currentValueReadsTheFirstRegisteredSeriesByName() {
    add(gauge(3L), "numRestarts", jobManagerJob());
    add(
        gauge(9L),
        "numRestarts",
        JobManagerMetricGroup.createJobManagerMetricGroup(NoOpMetricRegistry.INSTANCE, "host-1")
            .addJob(new JobID(), "other"));

    assertThat(MicrometerReporter.currentValue("flink_jobmanager_job_numRestarts")).hasValue(3.0);
    assertThat(MicrometerReporter.currentValue("flink_jobmanager_job_unknown")).isEmpty();
  }

  @Test
  void totalSumsEverySeriesOfANameAndLeavesNaNOut() {
    add(gauge(1), "questdbUnavailable", operator(0, 0));
    add(gauge(1), "questdbUnavailable", operator(1, 0));
    add(gauge(0), "questdbUnavailable", operator(2, 0));
    add(gauge(Double.NaN), "questdbUnavailable", operator(3, 0));

    assertThat(MicrometerReporter.total(OPERATOR_SCOPE + "questdbUnavailable")).hasValue(2.0);
    assertThat(MicrometerReporter.total(OPERATOR_SCOPE + "unknown")).isEmpty();
  }

  @Test
  void reporterCreatedByFlinkUsesTheRegistryGivenByTheService() {
    SimpleMeterRegistry serviceRegistry = new SimpleMeterRegistry();
    MicrometerReporter.useRegistry(serviceRegistry);
    var created = new MicrometerReporterFactory().createMetricReporter(new Properties());
    created.open(new MetricConfig());
    try {
      created.notifyOfAddedMetric(counterOf(4), "numRecordsIn", front(operator(0, 0)));

      assertThat(serviceRegistry.get(OPERATOR_SCOPE + "numRecordsIn").gauge().value())
          .isEqualTo(4.0);
    } finally {
      created.close();
    }
    assertThat(MicrometerReporterFactory.flinkConfiguration())
        .containsEntry(
            "metrics.reporter.quarkus.factory.class", MicrometerReporterFactory.class.getName());
  }

  @Test
  void miniClusterMetricsAppearInThePrometheusScrape() throws Exception {
    Configuration config = new Configuration();
    MicrometerReporterFactory.flinkConfiguration().forEach(config::setString);
    config.setString("rest.bind-address", "127.0.0.1");
    config.setString("rest.address", "127.0.0.1");
    config.setString("rest.bind-port", "0");
    PrometheusMeterRegistry scraped = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerReporter.useRegistry(scraped);

    try (MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build())) {
      cluster.start();
      JobID job = cluster.submitJob(countingJob(config)).get().getJobID();

      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(scraped.scrape())
                      .contains("flink_jobmanager_numRunningJobs 1.0")
                      .contains("flink_taskmanager_job_task_operator_numRecordsIn{")
                      .contains(
                          OPERATOR_SCOPE + "bridge_seen{bridge=\"test\",job_name=\"bridge-test\"")
                      .contains("flink_jobmanager_job_numRestarts{job_name=\"bridge-test\",} 0.0"));
      String flinkSeries =
          Arrays.stream(scraped.scrape().split("\n"))
              .filter(line -> line.startsWith("flink_"))
              .collect(Collectors.joining("\n"));
      assertThat(flinkSeries).doesNotContain("tm_id=", "host=", "job_id=", "task_attempt_id=");
      // Flink's histograms (here the mailbox latency of every task) are summaries, no gauges.
      String scrape = scraped.scrape();
      assertThat(scrape).contains("# TYPE flink_taskmanager_job_task_mailboxLatencyMs summary");
      assertThat(
              scrape
                  .lines()
                  .filter(l -> l.startsWith("# TYPE ") && l.endsWith(" gauge"))
                  .map(l -> l.split(" ")[2]))
          .noneMatch(
              gauge ->
                  scrape.contains(gauge + "{")
                      && scrape
                          .lines()
                          .anyMatch(l -> l.startsWith(gauge + "{") && l.contains("quantile=")));
      assertThat(MicrometerReporter.currentValue("flink_jobmanager_job_numRestarts")).hasValue(0.0);

      cluster.cancelJob(job).get();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> cluster.getJobStatus(job).get() == JobStatus.CANCELED);
    }
    assertThat(scraped.getMeters()).as("meters left after the cluster closed").isEmpty();
  }

  /** An endless, throttled source and a map with a custom counter in a user key-value group. */
  private static org.apache.flink.streaming.api.graph.StreamGraph countingJob(
      Configuration config) {
    Configuration jobConfig = new Configuration(config);
    jobConfig.setString("pipeline.name", "bridge-test");
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(jobConfig);
    env.setParallelism(2);
    env.fromSource(
            new DataGeneratorSource<>(
                n -> n, Long.MAX_VALUE, RateLimiterStrategy.perSecond(50), Types.LONG),
            WatermarkStrategy.noWatermarks(),
            "numbers")
        .map(new CountingMap())
        .name("count")
        .sinkTo(new DiscardingSink<>());
    return env.getStreamGraph();
  }

  private static final class CountingMap extends RichMapFunction<Long, Long> {
    private transient Counter seen;

    @Override
    public void open(OpenContext context) {
      seen = getRuntimeContext().getMetricGroup().addGroup("bridge", "test").counter("seen");
    }

    @Override
    public Long map(Long value) {
      seen.inc();
      return value;
    }
  }

  private void add(org.apache.flink.metrics.Metric metric, String name, MetricGroup group) {
    reporter.notifyOfAddedMetric(metric, name, front(group));
  }

  private void remove(org.apache.flink.metrics.Metric metric, String name, MetricGroup group) {
    reporter.notifyOfRemovedMetric(metric, name, front(group));
  }

  private double value(String name) {
    return registry.get(name).gauge().value();
  }

  /** An operator's metric group for one attempt of one subtask, as Flink's runtime builds it. */
  private MetricGroup operator(int subtask, int attempt) {
    var task =
        tmJob.addTask(
            new ExecutionAttemptID(
                new ExecutionGraphID(), new ExecutionVertexID(vertex, subtask), attempt),
            "Validate");
    return task.getOrAddOperator(new OperatorID(), "validate", Map.of());
  }

  private static MetricGroup jobManagerJob() {
    return JobManagerMetricGroup.createJobManagerMetricGroup(NoOpMetricRegistry.INSTANCE, "host-1")
        .addJob(new JobID(), "telemetry");
  }

  /** The view of a group that Flink hands to a reporter. */
  private static MetricGroup front(MetricGroup group) {
    return new FrontMetricGroup<>(SETTINGS, (AbstractMetricGroup<?>) group);
  }

  private static <T> org.apache.flink.metrics.Gauge<T> gauge(T value) {
    return () -> value;
  }

  private static Counter counterOf(long count) {
    Counter counter = new SimpleCounter();
    counter.inc(count);
    return counter;
  }

  private static org.apache.flink.metrics.Meter meter(double rate) {
    return new org.apache.flink.metrics.Meter() {
      @Override
      public void markEvent() {}

      @Override
      public void markEvent(long n) {}

      @Override
      public double getRate() {
        return rate;
      }

      @Override
      public long getCount() {
        return 0;
      }
    };
  }

  /** Nine samples whose q-quantile is q × 1000. */
  private static Histogram histogram() {
    HistogramStatistics statistics =
        new HistogramStatistics() {
          @Override
          public double getQuantile(double quantile) {
            return quantile * 1000;
          }

          @Override
          public long[] getValues() {
            return new long[0];
          }

          @Override
          public int size() {
            return 9;
          }

          @Override
          public double getMean() {
            return 0;
          }

          @Override
          public double getStdDev() {
            return 0;
          }

          @Override
          public long getMax() {
            return 0;
          }

          @Override
          public long getMin() {
            return 0;
          }
        };
    return new Histogram() {
      @Override
      public void update(long value) {}

      @Override
      public long getCount() {
        return 9;
      }

      @Override
      public HistogramStatistics getStatistics() {
        return statistics;
      }
    };
  }
}
