package com.dcmms.telemetry.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules, the rule tests, the compose profile's Prometheus configuration and the
 * dashboard's queries pass promtool, Prometheus's own checker.
 */
class PromtoolTest {
  static final List<String> ALERTS =
      List.of(
          "TelemetryJobNotRunning",
          "TelemetryJobRestarting",
          "TelemetryNoCompletedCheckpoint",
          "TelemetryCheckpointsFailing",
          "TelemetryQuestDbUnavailable",
          "TelemetryHighRejectionRatio",
          "TelemetryConsumerLagGrowing",
          "TelemetryBackpressure");

  @Test
  void theRulesFileHoldsTheAlertsAndPassesPromtoolCheckRules() throws Exception {
    Promtool.Result check = Promtool.run("check", "rules", MonitoringFiles.RULES.toString());

    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + ALERTS.size() + " rules found");
    assertThat(MonitoringFiles.alertQueries().keySet()).containsExactlyElementsOf(ALERTS);
  }

  @Test
  void everyAlertHasASeverityAndARunbookSectionInTheOperationsGuide() {
    for (JsonNode rule : rules()) {
      String name = rule.path("alert").asText();
      assertThat(rule.at("/labels/severity").asText()).as(name).isIn("critical", "warning");
      assertThat(rule.at("/annotations/runbook_url").asText())
          .as(name)
          .matches("docs/operations\\.md#[a-z0-9-]+");
      assertThat(rule.at("/annotations/summary").asText()).as(name).isNotBlank();
    }
  }

  @Test
  void promtoolTestRulesFiresEveryAlertInACaseOfItsOwn() throws Exception {
    Set<String> fired = new TreeSet<>();
    for (JsonNode test : MonitoringFiles.readYaml(MonitoringFiles.RULE_TESTS).path("tests")) {
      for (JsonNode expectation : test.path("alert_rule_test")) {
        if (!expectation.path("exp_alerts").isEmpty()) {
          fired.add(expectation.path("alertname").asText());
        }
      }
    }
    assertThat(fired).containsExactlyInAnyOrderElementsOf(ALERTS);

    Promtool.Result test = Promtool.run("test", "rules", MonitoringFiles.RULE_TESTS.toString());

    assertThat(test.exitCode()).as(test.toString()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  @Test
  void theComposeProfilesPrometheusConfigurationPassesPromtoolCheckConfig() throws Exception {
    Promtool.Result check =
        Promtool.run("check", "config", MonitoringFiles.PROMETHEUS_CONFIG.toString());

    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + ALERTS.size() + " rules found");
  }

  @Test
  void everyDashboardQueryIsValidPromQl(@TempDir Path dir) throws Exception {
    // promtool parses expressions only as rules: each query becomes a recording rule.
    Map<String, String> queries = MonitoringFiles.dashboardQueries();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(20);
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int i = 0;
    for (String expr : queries.values()) {
      // Grafana's own variable, which it replaces before sending the query.
      String promql = expr.replace("$__rate_interval", "1m");
      rules
          .append("      - record: dashboard_query_")
          .append(i++)
          .append('\n')
          .append("        expr: '")
          .append(promql.replace("'", "''"))
          .append("'\n");
    }
    Path file = Files.writeString(dir.resolve("dashboard-queries.yml"), rules);

    Promtool.Result check = Promtool.run("check", "rules", file.toString());

    assertThat(check.exitCode()).as(check.toString()).isZero();
    assertThat(check.output()).contains("SUCCESS: " + queries.size() + " rules found");
  }

  @Test
  void theDashboardCoversWhatTheIssueAsksFor() {
    Set<String> metrics = MonitoringFiles.queriedMetrics();
    String op = "flink_taskmanager_job_task_operator_";
    assertThat(metrics)
        .contains(
            op + "telemetryAccepted",
            op + "questdbRowsWritten",
            op + "reason_telemetryRejected",
            op + "kind_telemetryDuplicatesDropped",
            op + "telemetryOutOfRange",
            op + "questdbRetries",
            op + "questdbUnavailable",
            "flink_jobmanager_job_lastCheckpointDuration",
            "flink_jobmanager_job_lastCheckpointSize",
            "flink_jobmanager_job_lastCheckpointCompletedTimestamp",
            "flink_jobmanager_job_numberOfFailedCheckpoints",
            "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
            op + "pendingRecords",
            "flink_jobmanager_job_numRestarts",
            "flink_taskmanager_Status_JVM_Memory_Heap_Max");
    assertThat(metrics).anyMatch(m -> m.contains("GarbageCollector"));
    JsonNode dashboard = MonitoringFiles.readJson(MonitoringFiles.DASHBOARD);
    assertThat(dashboard.path("uid").asText()).isEqualTo("dcmms-telemetry-pipeline");
    List<String> datasources = new ArrayList<>();
    dashboard.findValues("datasource").forEach(d -> datasources.add(d.path("uid").asText()));
    // Every panel and query asks the dashboard's data source variable, never a fixed one.
    assertThat(datasources).isNotEmpty().allMatch("${datasource}"::equals);
  }

  @Test
  void findsTheMetricsAQueryReadsAndReportsARenamedOne() {
    assertThat(
            PromQl.selectors(
                "sum by (reason) (rate(a_b{reason=\"x y\"}[$__rate_interval])) "
                    + "/ clamp_min(sum(rate(c[5m] offset 1h)), 1e-9) and on (job_name) time() - d > 0.5"))
        .extracting(PromQl.Selector::toString)
        .containsExactly("a_b", "c", "d");
    assertThat(PromQl.selectors("sum by (__name__) ({__name__=~\"flink_.+_Time\", x=\"y\"})"))
        .containsExactly(new PromQl.Selector("flink_.+_Time", true));

    String scrape = "# TYPE a gauge\na{x=\"1\"} 1.0\nflink_gc_Time 2.0\n";
    assertThat(PromQl.seriesNames(scrape)).containsExactly("a", "flink_gc_Time");
    assertThat(PromQl.selectors("rate(b[1m]) + {__name__=~\"flink_.+_Time\"}"))
        .filteredOn(s -> PromQl.seriesNames(scrape).stream().noneMatch(s::matches))
        .extracting(PromQl.Selector::toString)
        .containsExactly("b");
  }

  private static List<JsonNode> rules() {
    List<JsonNode> rules = new ArrayList<>();
    MonitoringFiles.readYaml(MonitoringFiles.RULES)
        .path("groups")
        .forEach(g -> g.path("rules").forEach(rules::add));
    return rules;
  }
}
