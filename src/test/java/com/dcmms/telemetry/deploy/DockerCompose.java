package com.dcmms.telemetry.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Docker Compose's own check of a compose file (`config -q`), when Compose is installed. */
record DockerCompose(List<String> command) {

  /** docker-compose (v1), or else the Compose v2 plugin; empty when neither answers. */
  static Optional<DockerCompose> installed() {
    for (List<String> candidate :
        List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
      try {
        if (run(concat(candidate, List.of("version"))).exitCode() == 0) {
          return Optional.of(new DockerCompose(candidate));
        }
      } catch (IOException e) {
        // not installed: try the next one
      }
    }
    return Optional.empty();
  }

  /** Validates the file with the given extra arguments (e.g. a profile); needs no Docker engine. */
  Result config(Path file, List<String> arguments) throws IOException {
    List<String> args = new ArrayList<>(List.of("-f", file.toString()));
    args.addAll(arguments);
    args.addAll(List.of("config", "-q"));
    return run(concat(command, args));
  }

  /** How a command ended, and what it printed. */
  record Result(List<String> command, int exitCode, String output) {}

  private static Result run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(command, -1, output + "(timed out)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(command, -1, output + "(interrupted)");
    }
    return new Result(command, p.exitValue(), output);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
