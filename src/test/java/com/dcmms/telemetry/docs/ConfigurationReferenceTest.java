package com.dcmms.telemetry.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.JobOption;
import com.dcmms.telemetry.job.JobOptionDefinitions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what the definitions generate, and covers every setting. */
class ConfigurationReferenceTest {
  @Test
  void committedReferenceIsCurrent() throws Exception {
    String generated = ConfigurationReference.render();
    if (Boolean.getBoolean("configuration.write")) {
      Files.writeString(ConfigurationReference.FILE, generated, StandardCharsets.UTF_8);
    }

    assertThat(Files.exists(ConfigurationReference.FILE))
        .as(
            ConfigurationReference.FILE
                + " is missing; write it with: "
                + ConfigurationReference.REGENERATE)
        .isTrue();
    assertThat(Files.readString(ConfigurationReference.FILE, StandardCharsets.UTF_8))
        .as(
            ConfigurationReference.FILE
                + " is stale; regenerate it with: "
                + ConfigurationReference.REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void listsEveryJobOptionWithItsVariableAndDefault() throws Exception {
    String reference = ConfigurationReference.render();

    for (JobOption<?> option : JobOptionDefinitions.all()) {
      String environment =
          option.environmentVariable() == null ? "" : "`" + option.environmentVariable() + "`";
      String shownDefault = option.defaultText().isEmpty() ? "" : "`" + option.defaultText() + "`";
      assertThat(reference)
          .as(option.key())
          .contains("| `" + option.key() + "` | " + environment + " | ")
          .contains(" | " + shownDefault + " | " + option.description() + " |");
    }
    assertThat(reference)
        .contains(
            "| `kafka.property.<name>` |",
            "| `validation.range.TEMPERATURE` |  | MIN..MAX | `-50.0..150.0` |");
  }

  @Test
  void listsTheServiceSettingsWithTheirMeaningFromTheirJavadoc() throws Exception {
    String reference = ConfigurationReference.render();

    assertThat(reference)
        .contains(
            "| `telemetry.service.work-dir` | `TELEMETRY_SERVICE_WORK_DIR` | text | "
                + "`${java.io.tmpdir}/dcmms-telemetry` | Where the service keeps Flink's temporary "
                + "files; cleaned at every start. |")
        .contains(
            "| `telemetry.service.readiness.max-checkpoint-age` | "
                + "`TELEMETRY_SERVICE_READINESS_MAX_CHECKPOINT_AGE` | duration | `2min` |")
        .contains(
            "| `telemetry.service.operator-password` | `TELEMETRY_OPERATOR_PASSWORD` | "
                + "text, optional | `none` |")
        .contains("| `telemetry.service.web-ui.port` |", "| `telemetry.flink.<flink key>` |")
        .contains(
            "| `TELEMETRY_PROTECT_READ_ENDPOINTS` | "
                + "`quarkus.http.auth.permission.read-endpoints.enabled` | `false` |")
        .contains(
            "| all | `state.backend` | `hashmap` |", "| dev | `checkpoint.interval` | `5s` |");
  }
}
