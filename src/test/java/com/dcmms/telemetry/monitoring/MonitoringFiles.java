package com.dcmms.telemetry.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The shipped dashboard and alert rules, and the metric names their queries read. */
public final class MonitoringFiles {
  public static final Path DIR = Path.of("docker", "monitoring");
  public static final Path RULES = DIR.resolve("prometheus/alerts.yml");
  public static final Path RULE_TESTS = DIR.resolve("prometheus/alerts-test.yml");
  public static final Path PROMETHEUS_CONFIG = DIR.resolve("prometheus/prometheus.yml");
  public static final Path DASHBOARD = DIR.resolve("grafana/dashboards/telemetry-pipeline.json");
  public static final Path GRAFANA_PROVISIONING = DIR.resolve("grafana/provisioning");

  private MonitoringFiles() {}

  /** Every PromQL expression of the dashboard, keyed "panel title #n". */
  public static Map<String, String> dashboardQueries() {
    Map<String, String> queries = new LinkedHashMap<>();
    collectPanels(readJson(DASHBOARD).path("panels"), queries);
    return queries;
  }

  /** Every alert's expression, keyed by the alert's name. */
  public static Map<String, String> alertQueries() {
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonNode group : readYaml(RULES).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        queries.put(
            rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText());
      }
    }
    return queries;
  }

  /**
   * What a scrape lacks for the dashboard and the alerts: "where: selector" for every metric a
   * query reads that no series of the scrape has (a regex selector needs one matching name).
   */
  public static List<String> missingFrom(String scrape) {
    Set<String> names = PromQl.seriesNames(scrape);
    List<String> missing = new ArrayList<>();
    Map<String, String> all = new LinkedHashMap<>();
    dashboardQueries().forEach((where, expr) -> all.put("dashboard " + where, expr));
    alertQueries().forEach((where, expr) -> all.put("alert " + where, expr));
    all.forEach(
        (where, expr) -> {
          for (PromQl.Selector selector : PromQl.selectors(expr)) {
            if (names.stream().noneMatch(selector::matches)) {
              missing.add(where + ": " + selector);
            }
          }
        });
    return missing;
  }

  /** Every metric name (or name pattern) the dashboard and the alerts read. */
  public static Set<String> queriedMetrics() {
    Set<String> selectors = new TreeSet<>();
    dashboardQueries()
        .values()
        .forEach(e -> PromQl.selectors(e).forEach(s -> selectors.add(s.toString())));
    alertQueries()
        .values()
        .forEach(e -> PromQl.selectors(e).forEach(s -> selectors.add(s.toString())));
    return selectors;
  }

  private static void collectPanels(JsonNode panels, Map<String, String> queries) {
    for (JsonNode panel : panels) {
      collectPanels(panel.path("panels"), queries);
      int n = 0;
      for (JsonNode target : panel.path("targets")) {
        if (target.has("expr")) {
          queries.put(panel.path("title").asText() + " #" + (++n), target.path("expr").asText());
        }
      }
    }
  }

  public static JsonNode readJson(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode readYaml(Path file) {
    try {
      return new YAMLMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
