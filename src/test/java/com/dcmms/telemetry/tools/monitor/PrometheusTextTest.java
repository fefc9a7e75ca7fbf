package com.dcmms.telemetry.tools.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads the Prometheus text the service exposes, including labels with spaces and commas. */
class PrometheusTextTest {
  private static final String TEXT =
      """
      # HELP flink_taskmanager_job_task_backPressuredTimeMsPerSecond
      # TYPE flink_taskmanager_job_task_backPressuredTimeMsPerSecond gauge
      flink_taskmanager_job_task_backPressuredTimeMsPerSecond{job_name="p",subtask_index="0",task_name="Source: raw -> validate, dead letters",} 120.0
      flink_taskmanager_job_task_backPressuredTimeMsPerSecond{job_name="p",subtask_index="1",task_name="Source: raw -> validate, dead letters",} 300.0
      flink_taskmanager_job_task_backPressuredTimeMsPerSecond{job_name="p",subtask_index="0",task_name="dedup",} NaN
      flink_taskmanager_job_task_operator_questdbRowsWritten{operator_name="QuestDB: Writer",subtask_index="0",} 40.0
      flink_taskmanager_job_task_operator_questdbRowsWritten{operator_name="QuestDB: Writer",subtask_index="1",} 2.0
      flink_jobmanager_taskSlotsTotal 8.0
      label_with_escapes{a="say \\"hi\\"",} 1.0
      """;

  @Test
  void sumsEverySeriesOfAName() {
    PrometheusText m = PrometheusText.parse(TEXT);
    assertThat(m.sum("flink_taskmanager_job_task_operator_questdbRowsWritten")).isEqualTo(42.0);
    assertThat(m.sum("flink_jobmanager_taskSlotsTotal")).isEqualTo(8.0);
    assertThat(m.sum("absent")).isNaN();
  }

  @Test
  void groupsTheHighestValueByLabelSkippingNaN() {
    PrometheusText m = PrometheusText.parse(TEXT);
    assertThat(m.maxBy("flink_taskmanager_job_task_backPressuredTimeMsPerSecond", "task_name"))
        .isEqualTo(Map.of("Source: raw -> validate, dead letters", 300.0));
  }

  @Test
  void keysEachSubtasksValueByTaskAndIndexSkippingNaN() {
    PrometheusText m = PrometheusText.parse(TEXT);
    assertThat(m.bySubtask("flink_taskmanager_job_task_backPressuredTimeMsPerSecond"))
        .isEqualTo(
            Map.of(
                "Source: raw -> validate, dead letters#0",
                120.0,
                "Source: raw -> validate, dead letters#1",
                300.0));
  }

  @Test
  void readsEscapedLabelValues() {
    PrometheusText m = PrometheusText.parse(TEXT);
    assertThat(m.sum("label_with_escapes", l -> "say \"hi\"".equals(l.get("a")))).isEqualTo(1.0);
  }
}
