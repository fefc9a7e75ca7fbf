package com.dcmms.telemetry.host.metrics;

import java.util.Map;
import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/** Lets Flink create the {@link MicrometerReporter}; found through {@code META-INF/services}. */
public class MicrometerReporterFactory implements MetricReporterFactory {
  /** The reporter's name in Flink's configuration ({@code metrics.reporter.<name>.*}). */
  public static final String REPORTER_NAME = "quarkus";

  /** The Flink configuration entries that enable the reporter. */
  public static final Map<String, String> FLINK_CONFIGURATION =
      Map.of(
          "metrics.reporter." + REPORTER_NAME + ".factory.class",
          MicrometerReporterFactory.class.getName());

  /**
   * The Flink configuration entries that enable the reporter. No interval: the reporter is not
   * scheduled, its gauges read Flink's metrics when Prometheus scrapes.
   */
  public static Map<String, String> flinkConfiguration() {
    return FLINK_CONFIGURATION;
  }

  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new MicrometerReporter();
  }
}
