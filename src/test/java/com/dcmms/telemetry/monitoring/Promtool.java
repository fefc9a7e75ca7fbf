package com.dcmms.telemetry.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Prometheus's own checker, from Debian's {@code prometheus} package (.ci/run installs it). */
final class Promtool {
  private Promtool() {}

  /** How a promtool run ended and what it printed. */
  record Result(List<String> command, int exitCode, String output) {
    @Override
    public String toString() {
      return String.join(" ", command) + " exited with " + exitCode + ":\n" + output;
    }
  }

  static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(PrometheusServer.onPath("promtool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 60 s:\n" + output);
    }
    return new Result(command, p.exitValue(), output);
  }
}
