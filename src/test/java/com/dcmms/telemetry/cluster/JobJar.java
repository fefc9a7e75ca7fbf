package com.dcmms.telemetry.cluster;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The cluster job JAR that {@code ./mvnw package} builds, and the arguments a test runs it with.
 */
final class JobJar {
  private JobJar() {}

  /** {@code target/*-job.jar}; fails when the build has not packaged it. */
  static Path path() throws IOException {
    Path target = Path.of(System.getProperty("basedir", "."), "target");
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-job.jar"))
          .findFirst()
          .orElseThrow(
              () -> new AssertionError("no *-job.jar in " + target + ": run ./mvnw package"));
    }
  }

  /**
   * The arguments of {@code flink run … job.jar}: every option that differs from its default,
   * written as {@code --key value}. The parallelism is not among them: it comes from the run, as
   * {@code flink run -p} gives it.
   */
  static List<String> arguments(TelemetryJobOptions options) {
    Map<String, String> defaults = TelemetryJobOptions.defaults().asMap();
    List<String> args = new ArrayList<>();
    options
        .asMap()
        .forEach(
            (key, value) -> {
              if (!key.equals("parallelism") && !value.equals(defaults.get(key))) {
                args.add("--" + key);
                args.add(value);
              }
            });
    return args;
  }
}
