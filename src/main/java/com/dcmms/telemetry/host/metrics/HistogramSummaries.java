package com.dcmms.telemetry.host.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.Metric;

/**
 * Flink's histograms as Prometheus summaries, written as Flink's own Prometheus reporter writes
 * them: {@code <name>_count} and {@code <name>{quantile="0.5"}} … {@code "0.999"}, no {@code _sum}.
 * Micrometer has no meter that reads an outside histogram's quantiles, so this collector sits in
 * the Prometheus client registry behind Micrometer's and is scraped with it.
 */
final class HistogramSummaries extends Collector {
  /** Quantiles of Flink's Prometheus reporter for histograms. */
  static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};

  private final CollectorRegistry target;
  // Family name -> labels (sorted by name) -> the Flink histogram currently behind the series.
  private final Map<String, Map<Map<String, String>, AtomicReference<Metric>>> families =
      new ConcurrentHashMap<>();

  private HistogramSummaries(CollectorRegistry target) {
    this.target = target;
  }

  /** A collector registered with the Prometheus registry behind {@code registry}; empty if none. */
  static Optional<HistogramSummaries> registerWith(MeterRegistry registry) {
    return prometheusRegistry(registry)
        .map(
            prometheus -> {
              HistogramSummaries summaries = new HistogramSummaries(prometheus);
              prometheus.register(summaries);
              return summaries;
            });
  }

  private static Optional<CollectorRegistry> prometheusRegistry(MeterRegistry registry) {
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      return Optional.of(prometheus.getPrometheusRegistry());
    }
    if (registry instanceof CompositeMeterRegistry composite) {
      for (MeterRegistry member : composite.getRegistries()) {
        Optional<CollectorRegistry> found = prometheusRegistry(member);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  void add(String name, Map<String, String> labels, AtomicReference<Metric> current) {
    families.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(labels, current);
  }

  void remove(String name, Map<String, String> labels) {
    families.computeIfPresent(
        name,
        (n, series) -> {
          series.remove(labels);
          return series.isEmpty() ? null : series;
        });
  }

  void unregister() {
    families.clear();
    target.unregister(this);
  }

  @Override
  public List<MetricFamilySamples> collect() {
    List<MetricFamilySamples> result = new ArrayList<>();
    families.forEach(
        (name, series) -> {
          List<MetricFamilySamples.Sample> samples = new ArrayList<>();
          // Labels are sorted maps, so names and values line up.
          series.forEach((labels, current) -> addSamples(samples, name, labels, current.get()));
          if (!samples.isEmpty()) {
            result.add(new MetricFamilySamples(name, Type.SUMMARY, name, samples));
          }
        });
    return result;
  }

  private static void addSamples(
      List<MetricFamilySamples.Sample> samples,
      String name,
      Map<String, String> labels,
      Metric metric) {
    List<String> names = new ArrayList<>(labels.keySet());
    List<String> values = new ArrayList<>(labels.values());
    Histogram histogram = (Histogram) metric;
    HistogramStatistics statistics;
    double count;
    try {
      count = histogram.getCount();
      statistics = histogram.getStatistics();
    } catch (RuntimeException e) {
      return; // A histogram that fails to read leaves its series out of this scrape only.
    }
    samples.add(new MetricFamilySamples.Sample(name + "_count", names, values, count));
    List<String> quantileNames = new ArrayList<>(names);
    quantileNames.add("quantile");
    for (double q : QUANTILES) {
      List<String> quantileValues = new ArrayList<>(values);
      quantileValues.add(Double.toString(q));
      samples.add(
          new MetricFamilySamples.Sample(
              name, quantileNames, quantileValues, quantile(statistics, q)));
    }
  }

  private static double quantile(HistogramStatistics statistics, double q) {
    try {
      return statistics.getQuantile(q);
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }
}
