package com.dcmms.telemetry.docs;

import com.dcmms.telemetry.host.ServiceConfig;
import com.dcmms.telemetry.job.JobOption;
import com.dcmms.telemetry.job.JobOptionDefinitions;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.rules.SensorTypes;
import io.smallrye.config.WithDefault;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes {@code docs/configuration.md} from the definitions: {@link JobOptionDefinitions}, the
 * {@link ServiceConfig} mapping (meanings from its Javadoc) and the variables that {@code
 * application.properties} reads. {@code ConfigurationReferenceTest} fails when the committed file
 * differs; {@link #main} rewrites it.
 */
public final class ConfigurationReference {
  public static final Path FILE = Path.of("docs", "configuration.md");
  public static final String REGENERATE =
      "./mvnw -o -q test -Dtest=ConfigurationReferenceTest -Dconfiguration.write=true";
  static final Path SERVICE_CONFIG_SOURCE =
      Path.of("src/main/java/com/dcmms/telemetry/host/ServiceConfig.java");
  static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}");
  private static final Map<String, String> SECTIONS =
      Map.of(
          "kafka",
          "Kafka",
          "questdb",
          "QuestDB",
          "validation",
          "Validation",
          "dedup",
          "Deduplication",
          "watermark",
          "Watermarks",
          "checkpoint",
          "Checkpoints",
          "restart",
          "Restarts");

  private ConfigurationReference() {}

  /** Rewrites the reference (run from the project's root). */
  public static void main(String[] args) throws IOException {
    Files.writeString(FILE, render(), StandardCharsets.UTF_8);
    System.out.println("wrote " + FILE.toAbsolutePath());
  }

  public static String render() throws IOException {
    Map<String, String> properties = applicationProperties();
    StringBuilder md = new StringBuilder();
    md.append("# Configuration\n\n")
        .append(
            "<!-- Generated from JobOptionDefinitions, ServiceConfig and application.properties"
                + " by ConfigurationReference; do not edit. Regenerate with:\n     ")
        .append(REGENERATE)
        .append(" -->\n\n")
        .append(
            """
            Every option of the job is defined once, in `JobOptionDefinitions` (a Flink \
            `ConfigOption` with its type, default and meaning, and the environment variable it \
            may come from). Both runtimes read them through the same definitions:

            - **On a Flink cluster** (`flink run … telemetry-job.jar`): `--<key> <value>` or \
            `--<key>=<value>` arguments, and the option's environment variable (the column \
            *environment*); arguments win. Pass secrets by environment: Flink's entry points log \
            their program arguments.
            - **In the service**: `telemetry.<key>` from any Quarkus configuration source: a \
            system property, the environment as `TELEMETRY_<KEY>` (upper case, `.` and `-` as \
            `_`, e.g. `TELEMETRY_DEDUP_WINDOW=30s`), `config/application.properties` or the \
            packaged `application.properties`. The option's own variable (e.g. `KAFKA_BROKERS`) \
            wins over the packaged file; `TELEMETRY_<KEY>` and system properties win over it.

            An unknown key or a bad value stops the job at start, with every problem named at \
            once. Durations are written `500ms`, `30s`, `10min`, `1h` or `1d`; a bare number is \
            milliseconds (`CHECKPOINT_INTERVAL_MS=30000`). Values of keys that hold `password`, \
            `token`, `secret` or `jaas` or end in `.key` are never printed.

            """);
    md.append("## Job options\n");
    Map<String, List<JobOption<?>>> sections = new LinkedHashMap<>();
    for (JobOption<?> option : JobOptionDefinitions.all()) {
      sections
          .computeIfAbsent(
              SECTIONS.getOrDefault(option.key().split("[.]", 2)[0], "Runtime"),
              s -> new ArrayList<>())
          .add(option);
    }
    sections.forEach(
        (title, options) -> {
          md.append("\n### ")
              .append(title)
              .append("\n\n")
              .append("| key | environment | type | default | meaning |\n|---|---|---|---|---|\n");
          for (JobOption<?> option : options) {
            md.append(
                row(
                    code(option.key()),
                    code(option.environmentVariable()),
                    typeOf(option),
                    code(option.defaultText()),
                    option.description()));
          }
          if (title.equals("Kafka")) {
            md.append(
                row(
                    code(TelemetryJobOptions.KAFKA_PROPERTY_PREFIX + "<name>"),
                    "",
                    "text",
                    "",
                    "Passed to every Kafka client as `<name>` (`security.protocol`, SASL, TLS…); wins "
                        + "over the job's own producer settings."));
          } else if (title.equals("Validation")) {
            rangeRows(md);
          }
        });
    md.append("\n### Set differently by the service\n\n")
        .append(
            "The service's `application.properties` sets these job options (the profile "
                + "`dev` is `./mvnw quarkus:dev`):\n\n| profile | key | value |\n|---|---|---|\n");
    properties.forEach(
        (name, value) -> {
          String profile = name.startsWith("%") ? name.substring(1, name.indexOf('.')) : "all";
          String key = name.substring(name.indexOf("telemetry.") + "telemetry.".length());
          if (!profile.equals("test")
              && name.contains("telemetry.")
              && JobOptionDefinitions.named(key) != null) {
            md.append(row(profile, code(key), code(value)));
          }
        });
    md.append("\n## Service settings\n\n")
        .append(
            "The service's own settings, `telemetry.service.*` (`ServiceConfig`); each can "
                + "also be given as `TELEMETRY_SERVICE_<NAME>`.\n\n")
        .append("| key | environment | type | default | meaning |\n|---|---|---|---|---|\n");
    String source = Files.readString(SERVICE_CONFIG_SOURCE, StandardCharsets.UTF_8);
    for (Setting s : settings(ServiceConfig.class, "telemetry.service.", source)) {
      String variable = variableOf(properties.get(s.key));
      md.append(
          row(
              code(s.key),
              code(variable != null ? variable : environmentName(s.key)),
              s.type,
              code(s.defaultValue),
              s.meaning));
    }
    md.append(
        row(
            code("telemetry.flink.<flink key>"),
            "",
            "text",
            "",
            "Any setting of the embedded Flink, passed through as it is, e.g. "
                + "`telemetry.flink.taskmanager.memory.managed.size=512m`."));
    md.append("\n## Variables that application.properties reads\n\n")
        .append("| variable | property | default |\n|---|---|---|\n");
    properties.forEach(
        (name, value) -> {
          Matcher m = VARIABLE.matcher(value);
          if (!name.startsWith("%") && m.matches()) {
            md.append(
                row(
                    code(m.group(1)),
                    code(name),
                    m.group(2).isEmpty() ? "none" : code(m.group(2))));
          }
        });
    return md.toString();
  }

  private static void rangeRows(StringBuilder md) {
    SensorTypes.defaultRanges()
        .forEach(
            (type, range) ->
                md.append(
                    row(
                        code(TelemetryJobOptions.RANGE_PREFIX + type),
                        "",
                        "MIN..MAX",
                        code(range.toString()),
                        "Physical range of "
                            + type
                            + " readings; a value outside is kept and flagged "
                            + "OUT_OF_RANGE.")));
    md.append(
        row(
            code(TelemetryJobOptions.RANGE_PREFIX + "<TYPE>"),
            "",
            "MIN..MAX",
            "",
            "The range of another sensor type."));
  }

  private static String typeOf(JobOption<?> option) {
    String accepts = option.accepts();
    if (accepts.equals("a non-empty value")) {
      return "text";
    }
    return accepts.startsWith("a ") ? accepts.substring(2) : accepts;
  }

  /** A setting of a {@code @ConfigMapping}, with its meaning from the Javadoc in its source. */
  record Setting(String key, String type, String defaultValue, String meaning, int position) {}

  static List<Setting> settings(Class<?> mapping, String prefix, String source) {
    List<Setting> settings = new ArrayList<>();
    int from = source.indexOf("interface " + mapping.getSimpleName() + " ");
    for (Method m : mapping.getDeclaredMethods()) {
      String key = prefix + kebab(m.getName());
      Class<?> type = m.getReturnType();
      if (type.isInterface() && type.getEnclosingClass() == ServiceConfig.class) {
        settings.addAll(settings(type, key + ".", source));
        continue;
      }
      // The Javadoc right before the method, past its annotations.
      Matcher doc =
          Pattern.compile(
                  "/\\*\\*\\s*((?:(?!\\*/).)*?)\\s*\\*/\\s*"
                      + "(?:@[^\\n]*\\n\\s*)*[\\w<>.]+\\s+"
                      + m.getName()
                      + "\\(\\)",
                  Pattern.DOTALL)
              .matcher(source);
      if (from < 0 || !doc.find(from)) {
        throw new IllegalStateException(
            mapping.getName()
                + "."
                + m.getName()
                + "() has no Javadoc: the configuration reference takes each setting's meaning from it");
      }
      String meaning =
          doc.group(1)
              .replaceFirst("^\\*\\s*", "")
              .replaceAll("\\s*\\n\\s*\\*\\s*", " ")
              .replaceAll("\\{@code ([^}]*)}", "`$1`")
              .replaceAll("\\{@link ([^}]*)}", "`$1`");
      WithDefault def = m.getAnnotation(WithDefault.class);
      settings.add(
          new Setting(
              key,
              typeName(m.getGenericReturnType()),
              def == null ? "none" : def.value(),
              meaning,
              doc.start()));
    }
    settings.sort(Comparator.comparingInt(Setting::position));
    return settings;
  }

  private static String typeName(Type type) {
    if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
      return typeName(p.getActualTypeArguments()[0]) + ", optional";
    }
    return switch (((Class<?>) type).getSimpleName()) {
      case "String" -> "text";
      case "boolean" -> "true or false";
      case "int" -> "whole number";
      case "Duration" -> "duration";
      default -> ((Class<?>) type).getSimpleName();
    };
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static String environmentName(String key) {
    return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  private static String variableOf(String value) {
    if (value == null) {
      return null;
    }
    Matcher m = VARIABLE.matcher(value);
    return m.matches() ? m.group(1) : null;
  }

  /** The entries of application.properties in file order (continued lines are left out). */
  public static Map<String, String> applicationProperties() throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    for (String line : Files.readAllLines(APPLICATION_PROPERTIES, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (line.isBlank()
          || line.startsWith("#")
          || Character.isWhitespace(line.charAt(0))
          || eq < 0
          || line.endsWith("\\")) {
        continue;
      }
      entries.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
    }
    return entries;
  }

  private static String code(String text) {
    return text == null || text.isEmpty() ? "" : "`" + text + "`";
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }
}
