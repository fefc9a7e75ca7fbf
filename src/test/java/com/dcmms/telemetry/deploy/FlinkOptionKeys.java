package com.dcmms.telemetry.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CleanupOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.HistoryServerOptions;
import org.apache.flink.configuration.JMXServerOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.NettyShuffleEnvironmentOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.QueryableStateOptions;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.RpcOptions;
import org.apache.flink.configuration.SecurityOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.TraceOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBNativeMetricOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

/** The configuration keys Flink 2.x declares, read by reflection from its options classes. */
final class FlinkOptionKeys {
  /** The options classes of what a cluster runs: core, runtime, RocksDB. */
  private static final List<Class<?>> OPTIONS_CLASSES =
      List.of(
          BlobServerOptions.class,
          CheckpointingOptions.class,
          CleanupOptions.class,
          ClusterOptions.class,
          CoreOptions.class,
          DeploymentOptions.class,
          ExecutionOptions.class,
          HeartbeatManagerOptions.class,
          HighAvailabilityOptions.class,
          HistoryServerOptions.class,
          JMXServerOptions.class,
          JobManagerOptions.class,
          MetricOptions.class,
          NettyShuffleEnvironmentOptions.class,
          PipelineOptions.class,
          QueryableStateOptions.class,
          ResourceManagerOptions.class,
          RestOptions.class,
          RestartStrategyOptions.class,
          RpcOptions.class,
          SecurityOptions.class,
          StateBackendOptions.class,
          StateChangelogOptions.class,
          StateRecoveryOptions.class,
          TaskManagerOptions.class,
          TraceOptions.class,
          WebOptions.class,
          RocksDBOptions.class,
          RocksDBConfigurableOptions.class,
          RocksDBNativeMetricOptions.class);

  /**
   * A reporter's settings are {@code metrics.reporter.<name>.<key>}: Flink declares the common keys
   * in MetricOptions without the prefix; the Prometheus reporter, a plugin that is not on this
   * classpath, adds its own.
   */
  private static final String REPORTER_PREFIX = "metrics.reporter.";

  private static final Set<String> PROMETHEUS_REPORTER_KEYS =
      Set.of("port", "filterLabelValueCharacters");

  /** Options of flink-kubernetes and of the operator, which are not on this classpath. */
  private static final String KUBERNETES_PREFIX = "kubernetes.";

  private static final List<ConfigOption<?>> OPTIONS =
      OPTIONS_CLASSES.stream()
          .flatMap(c -> List.of(c.getFields()).stream())
          .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class)
          .map(FlinkOptionKeys::option)
          .collect(Collectors.toList());

  /** MetricOptions' keys without the metrics. prefix are relative to one reporter. */
  private static final Set<String> REPORTER_SETTINGS =
      OPTIONS.stream()
          .filter(FlinkOptionKeys::isReporterSetting)
          .map(ConfigOption::key)
          .collect(Collectors.toCollection(TreeSet::new));

  private static final Set<String> CURRENT =
      OPTIONS.stream()
          .map(ConfigOption::key)
          .filter(k -> !REPORTER_SETTINGS.contains(k))
          .collect(Collectors.toCollection(TreeSet::new));

  private static final Set<String> DEPRECATED =
      OPTIONS.stream()
          .flatMap(o -> fallbackKeys(o).stream().filter(FallbackKey::isDeprecated))
          .map(FallbackKey::getKey)
          .collect(Collectors.toCollection(TreeSet::new));

  private static final Set<String> FALLBACK =
      OPTIONS.stream()
          .flatMap(o -> fallbackKeys(o).stream())
          .map(FallbackKey::getKey)
          .collect(Collectors.toCollection(TreeSet::new));

  private FlinkOptionKeys() {}

  /** How many keys are known: a guard against a reflection that silently finds nothing. */
  static int count() {
    return CURRENT.size();
  }

  /** The keys Flink would not recognize on a cluster (none of its options, nor a pattern). */
  static List<String> unknown(Collection<String> keys) {
    return keys.stream().filter(k -> !isKnown(k)).sorted().collect(Collectors.toList());
  }

  /** The same, on Kubernetes, where flink-kubernetes and the operator add kubernetes.* keys. */
  static List<String> unknownOnKubernetes(Collection<String> keys) {
    return keys.stream()
        .filter(k -> !isKnown(k) && !k.startsWith(KUBERNETES_PREFIX))
        .sorted()
        .collect(Collectors.toList());
  }

  /** Keys that still work but that Flink 2.x has replaced. */
  static List<String> deprecated(Collection<String> keys) {
    return keys.stream().filter(DEPRECATED::contains).sorted().collect(Collectors.toList());
  }

  private static boolean isKnown(String key) {
    if (CURRENT.contains(key) || FALLBACK.contains(key)) {
      return true;
    }
    if (key.startsWith(REPORTER_PREFIX)) {
      String rest = key.substring(REPORTER_PREFIX.length());
      int dot = rest.indexOf('.');
      String setting = dot < 0 ? "" : rest.substring(dot + 1);
      return REPORTER_SETTINGS.contains(setting) || PROMETHEUS_REPORTER_KEYS.contains(setting);
    }
    return false;
  }

  private static boolean isReporterSetting(ConfigOption<?> option) {
    return List.of(MetricOptions.class.getFields()).stream()
        .filter(f -> f.getType() == ConfigOption.class)
        .anyMatch(f -> option(f) == option && !option.key().startsWith("metrics."));
  }

  private static ConfigOption<?> option(Field field) {
    try {
      return (ConfigOption<?>) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + field, e);
    }
  }

  private static List<FallbackKey> fallbackKeys(ConfigOption<?> option) {
    List<FallbackKey> keys = new ArrayList<>();
    option.fallbackKeys().forEach(keys::add);
    return keys;
  }
}
