package com.dcmms.telemetry.tools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM the benchmark starts (the servers, the service): its output goes to a log file, its
 * resident memory and CPU time are read from /proc. Its stdin stays open while the benchmark
 * runs, so the dev servers (which exit at end of file) never outlive it.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final CompletableFuture<String> firstMatch = new CompletableFuture<>();

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** Starts {@code command}; lines go to {@code log}, the first matching {@code ready} completes {@link #awaitLine}. */
  static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log,
      Predicate<String> ready) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    ChildProcess child = new ChildProcess(name, pb.start());
    Thread pump = new Thread(() -> child.pump(log, ready), name + "-log");
    pump.setDaemon(true);
    pump.start();
    return child;
  }

  private void pump(Path log, Predicate<String> ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.println(line);
        if (!firstMatch.isDone() && ready.test(line)) {
          firstMatch.complete(line);
        }
      }
    } catch (IOException e) {
      firstMatch.completeExceptionally(e);
    }
    firstMatch.completeExceptionally(new IOException(name + " exited with " + exitCode() + " before it was ready; see " + log));
  }

  String awaitLine(Duration timeout) throws Exception {
    try {
      return firstMatch.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  private String exitCode() {
    return process.isAlive() ? "(running)" : Integer.toString(process.exitValue());
  }

  /** Resident set size in bytes, -1 when unknown (not Linux, or exited). */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** User plus system CPU time in seconds, from the process' own accounting. */
  double cpuSeconds() {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(-1.0);
  }

  /** SIGTERM, then SIGKILL after {@code grace}. */
  void stop(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(30));
  }
}
