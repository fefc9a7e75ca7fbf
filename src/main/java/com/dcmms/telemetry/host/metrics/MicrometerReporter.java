package com.dcmms.telemetry.host.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.jboss.logging.Logger;

/**
 * Publishes Flink's metrics as Micrometer gauges, and its histograms as Prometheus summaries,
 * named, labelled and typed like its Prometheus reporter's.
 */
public class MicrometerReporter implements MetricReporter {
  private static final Logger LOG = Logger.getLogger(MicrometerReporter.class);

  private static final Pattern INVALID = Pattern.compile("[^a-zA-Z0-9_:]");

  /** The Prometheus reporter's rule, so that dashboards built for it keep working. */
  static final CharacterFilter FILTER = s -> INVALID.matcher(s).replaceAll("_");

  /** Labels that change with every start or attempt; every other "*_id" goes too. */
  private static final Set<String> DROPPED_LABELS =
      Set.of("host", "tm_id", "task_attempt_num", "attempt_num");

  private static volatile MeterRegistry configuredRegistry;
  private static final Set<MicrometerReporter> OPEN = ConcurrentHashMap.newKeySet();
  private static final AtomicLong ORDER = new AtomicLong();

  private final MeterRegistry explicitRegistry;
  private volatile MeterRegistry registry;

  /** Where histograms go; null without a Prometheus registry, and then they are not published. */
  private HistogramSummaries summaries;

  // Changed under "this" (Flink may notify from several threads); exports is also read by
  // currentValue.
  private final Map<Key, Export> exports = new ConcurrentHashMap<>();
  private final Map<String, NameUse> names = new HashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** Used by Flink through the factory: publishes to the registry given to {@link #useRegistry}. */
  public MicrometerReporter() {
    this(null);
  }

  /** Publishes to the given registry (for tests, or a host that creates the reporter itself). */
  public MicrometerReporter(MeterRegistry registry) {
    this.explicitRegistry = registry;
  }

  /** The registry for the reporters Flink creates from now on; call before starting the cluster. */
  public static void useRegistry(MeterRegistry registry) {
    configuredRegistry = registry;
  }

  /**
   * The value of the first registered Flink metric with this Prometheus name, whatever its labels.
   */
  public static OptionalDouble currentValue(String metricName) {
    Export first = null;
    Series found = null;
    for (MicrometerReporter reporter : OPEN) {
      for (Export export : reporter.exports.values()) {
        for (Series s : export.series) {
          if (s.name.equals(metricName) && (first == null || export.order < first.order)) {
            first = export;
            found = s;
          }
        }
      }
    }
    return first == null
        ? OptionalDouble.empty()
        : OptionalDouble.of(read(first.current, found.reader));
  }

  /**
   * The sum of every registered Flink series with this Prometheus name (say, one per subtask), NaN
   * readings left out; empty when there is none.
   */
  public static OptionalDouble total(String metricName) {
    boolean found = false;
    double sum = 0;
    for (MicrometerReporter reporter : OPEN) {
      for (Export export : reporter.exports.values()) {
        for (Series s : export.series) {
          if (s.name.equals(metricName)) {
            found = true;
            double v = read(export.current, s.reader);
            sum += Double.isNaN(v) ? 0 : v;
          }
        }
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  @Override
  public void open(MetricConfig config) {
    MeterRegistry configured = configuredRegistry;
    registry =
        explicitRegistry != null
            ? explicitRegistry
            : configured != null ? configured : Metrics.globalRegistry;
    synchronized (this) {
      summaries = HistogramSummaries.registerWith(registry).orElse(null);
    }
    OPEN.add(this);
  }

  @Override
  public synchronized void close() {
    OPEN.remove(this);
    exports.values().forEach(this::unregister);
    exports.clear();
    names.clear();
    if (summaries != null) {
      summaries.unregister();
      summaries = null;
    }
  }

  @Override
  public synchronized void notifyOfAddedMetric(
      Metric metric, String metricName, MetricGroup group) {
    String name = null;
    try {
      name = prometheusName(metricName, group);
      add(metric, new Key(name, labels(group)));
    } catch (RuntimeException e) {
      // A reporter must never break the job's metric registration.
      warnOnce(name == null ? metricName : name, "could not be published: " + e);
    }
  }

  @Override
  public synchronized void notifyOfRemovedMetric(
      Metric metric, String metricName, MetricGroup group) {
    try {
      Key key = new Key(prometheusName(metricName, group), labels(group));
      Export export = exports.get(key);
      // After a restart the new task's metric may already have taken over this series.
      if (export != null && export.current.get() == metric) {
        exports.remove(key);
        unregister(export);
      }
    } catch (RuntimeException e) {
      LOG.debugf("Flink metric %s could not be unpublished: %s", metricName, e);
    }
  }

  /** {@code flink_<logical scope>_<name>}, as Flink's Prometheus reporter names it. */
  static String prometheusName(String metricName, MetricGroup group) {
    String scope = LogicalScopeProvider.castFrom(group).getLogicalScope(FILTER, '_');
    return "flink_" + scope + "_" + FILTER.filterCharacters(metricName);
  }

  /** The group's variables without the ones that would make a new series on every start. */
  static Map<String, String> labels(MetricGroup group) {
    Map<String, String> labels = new TreeMap<>();
    group
        .getAllVariables()
        .forEach(
            (variable, value) -> {
              String label = FILTER.filterCharacters(stripBrackets(variable));
              if (!DROPPED_LABELS.contains(label) && !label.endsWith("_id") && value != null) {
                labels.put(label, value);
              }
            });
    return labels;
  }

  private void add(Metric metric, Key key) {
    Kind kind = Kind.of(metric);
    Export existing = exports.get(key);
    if (existing != null) {
      if (existing.kind == kind) {
        // A restarted task re-registers the same series: read the new metric from now on.
        existing.current.set(metric);
        return;
      }
      exports.remove(key);
      unregister(existing);
    }
    List<Series> series = series(kind, metric, key);
    for (Series s : series) {
      NameUse use = names.get(s.name);
      if (use != null && !use.labelNames.equals(s.labels.keySet())) {
        // Prometheus needs one set of label names per metric name: the first one wins.
        warnOnce(
            s.name,
            "has labels "
                + s.labels.keySet()
                + " but is already published with "
                + use.labelNames
                + "; skipped");
        return;
      }
    }
    if (series.isEmpty()) {
      return;
    }
    Export export =
        new Export(
            kind,
            new AtomicReference<>(metric),
            series,
            ORDER.incrementAndGet(),
            new ArrayList<>());
    try {
      series.forEach(s -> register(export, s));
    } catch (RuntimeException e) {
      unregister(export);
      throw e;
    }
    exports.put(key, export);
  }

  private void register(Export export, Series series) {
    Tags tags = Tags.empty();
    for (Map.Entry<String, String> label : series.labels.entrySet()) {
      tags = tags.and(label.getKey(), label.getValue());
    }
    AtomicReference<Metric> current = export.current;
    if (export.kind == Kind.HISTOGRAM) {
      if (summaries == null) {
        LOG.debugf("Flink histogram %s not published: no Prometheus registry", series.name);
        return;
      }
      summaries.add(series.name, series.labels, current);
    } else {
      export.meters.add(
          io.micrometer.core.instrument.Gauge.builder(
                  series.name, current, c -> read(c, series.reader))
              .tags(tags)
              .strongReference(true)
              .register(registry));
    }
    names.computeIfAbsent(series.name, n -> new NameUse(series.labels.keySet())).count++;
  }

  /**
   * The Prometheus series of one Flink metric: a gauge, or for a histogram a summary (read here as
   * its count).
   */
  private static List<Series> series(Kind kind, Metric metric, Key key) {
    String name = key.name;
    Map<String, String> labels = key.labels;
    switch (kind) {
      case COUNTER:
        return List.of(new Series(name, labels, m -> ((Counter) m).getCount()));
      case METER:
        return List.of(new Series(name, labels, m -> ((Meter) m).getRate()));
      case GAUGE:
        Object value = valueOf((Gauge<?>) metric);
        if (value != null && !(value instanceof Number) && !(value instanceof Boolean)) {
          LOG.debugf(
              "Flink gauge %s is not numeric (%s); not published",
              name, value.getClass().getName());
          return List.of();
        }
        return List.of(new Series(name, labels, m -> toDouble(((Gauge<?>) m).getValue())));
      case HISTOGRAM:
        return List.of(new Series(name, labels, m -> ((Histogram) m).getCount()));
      default:
        LOG.debugf(
            "Flink metric %s of type %s is not supported; not published",
            name, metric.getClass().getName());
        return List.of();
    }
  }

  /** Flink's variables are spelled {@code <job_name>}. */
  private static String stripBrackets(String variable) {
    return variable.startsWith("<") && variable.endsWith(">")
        ? variable.substring(1, variable.length() - 1)
        : variable;
  }

  private void unregister(Export export) {
    for (io.micrometer.core.instrument.Meter meter : export.meters) {
      try {
        registry.remove(meter);
      } catch (RuntimeException e) {
        LOG.debugf("Meter %s could not be removed: %s", meter.getId(), e);
      }
    }
    for (Series s : export.series) {
      if (export.kind == Kind.HISTOGRAM && summaries != null) {
        summaries.remove(s.name, s.labels);
      }
      NameUse use = names.get(s.name);
      if (use != null && --use.count <= 0) {
        names.remove(s.name);
      }
    }
  }

  private void warnOnce(String name, String message) {
    if (warned.add(name)) {
      LOG.warnf("Flink metric %s %s (said once per name)", name, message);
    }
  }

  /** What a scrape sees: NaN when the metric has no numeric value right now or fails. */
  private static double read(AtomicReference<Metric> current, ToDoubleFunction<Metric> reader) {
    try {
      return reader.applyAsDouble(current.get());
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static Object valueOf(Gauge<?> gauge) {
    try {
      return gauge.getValue();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static double toDouble(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    return Double.NaN;
  }

  private enum Kind {
    COUNTER,
    GAUGE,
    METER,
    HISTOGRAM,
    OTHER;

    static Kind of(Metric metric) {
      return metric instanceof Counter
          ? COUNTER
          : metric instanceof Meter
              ? METER
              : metric instanceof Gauge ? GAUGE : metric instanceof Histogram ? HISTOGRAM : OTHER;
    }
  }

  /** One published Flink series: its Prometheus name and labels. */
  private record Key(String name, Map<String, String> labels) {}

  private record Series(String name, Map<String, String> labels, ToDoubleFunction<Metric> reader) {}

  /** The Micrometer gauges of one Flink series; they read whichever Flink metric is current. */
  private record Export(
      Kind kind,
      AtomicReference<Metric> current,
      List<Series> series,
      long order,
      List<io.micrometer.core.instrument.Meter> meters) {}

  /** How many published gauges share a Prometheus name, and the label names they all have. */
  private static final class NameUse {
    final Set<String> labelNames;
    int count;

    NameUse(Set<String> labelNames) {
      this.labelNames = new TreeSet<>(labelNames);
    }
  }
}
