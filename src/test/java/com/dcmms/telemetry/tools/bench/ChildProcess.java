package com.dcmms.telemetry.tools.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A JVM the benchmark starts (servers, service): logged, measured from /proc, restartable, spoken to on stdin. */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private final Predicate<String> ready;
  private volatile Process process;
  private volatile CompletableFuture<String> firstMatch;
  private volatile Answer pending;
  /** CPU seconds of the processes this one replaced: a restart must not reset the account. */
  private volatile double earlierCpuSeconds;

  /** A command's expected answer: the first line that passes {@code test}. */
  private record Answer(Predicate<String> test, CompletableFuture<String> line) {}

  private ChildProcess(String name, List<String> command, Map<String, String> env, Path log,
      Predicate<String> ready) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = new HashMap<>(env);
    this.log = log;
    this.ready = ready;
  }

  /** Starts {@code command}; lines go to {@code log}, the first matching {@code ready} completes {@link #awaitLine}. */
  static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log,
      Predicate<String> ready) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ChildProcess child = new ChildProcess(name, command, env, log, ready);
    child.launch(false);
    return child;
  }

  private synchronized void launch(boolean append) throws IOException {
    // Its stdin stays open while the benchmark runs, so the dev servers (which exit at end of
    // file) never outlive it.
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process started = pb.start();
    CompletableFuture<String> match = new CompletableFuture<>();
    process = started;
    firstMatch = match;
    Thread pump = new Thread(() -> pump(started, match, append), name + "-log-" + started.pid());
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * {@code kill -9}, then the same command again at once (same environment, so the same work and
   * checkpoint directories); returns when the new JVM started, not when it is ready.
   */
  synchronized void killAndRestart() throws IOException, InterruptedException {
    double cpu = cpuSeconds(); // the last reading before the process and its account are gone
    process.destroyForcibly().waitFor();
    earlierCpuSeconds = cpu;
    launch(true);
  }

  /** Stops it as {@link #stop} does, then starts it again with {@code changes} to its environment. */
  synchronized void restart(Map<String, String> changes) throws IOException, InterruptedException {
    double cpu = cpuSeconds();
    stop(Duration.ofSeconds(60));
    earlierCpuSeconds = cpu;
    env.putAll(changes);
    launch(true);
  }

  private void pump(Process p, CompletableFuture<String> match, boolean append) {
    StandardOpenOption[] mode = append
        ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
        : new StandardOpenOption[0];
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8, mode), true)) {
      if (append) {
        out.println("---- " + name + " restarted (pid " + p.pid() + ") ----");
      }
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        out.println(line);
        if (!match.isDone() && ready.test(line)) {
          match.complete(line);
        }
        Answer a = pending;
        if (a != null && a.test().test(line)) {
          a.line().complete(line);
        }
      }
    } catch (IOException e) {
      match.completeExceptionally(e);
    }
    String exit = p.isAlive() ? "(running)" : Integer.toString(p.exitValue());
    match.completeExceptionally(new IOException(name + " exited with " + exit + " before it was ready; see " + log));
  }

  String awaitLine(Duration timeout) throws Exception {
    return await(firstMatch, timeout, "not ready");
  }

  /** Writes {@code line} to its stdin and waits for the first output line that passes {@code answer}. */
  synchronized String ask(String line, Predicate<String> answer, Duration timeout) throws Exception {
    Answer a = new Answer(answer, new CompletableFuture<>());
    pending = a;
    try {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      return await(a.line(), timeout, "did not answer '" + line + "'");
    } finally {
      pending = null;
    }
  }

  private String await(CompletableFuture<String> line, Duration timeout, String what) throws Exception {
    try {
      return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(name + " " + what + " after " + timeout.toSeconds() + " s; see " + log);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    }
  }

  long pid() {
    return process.pid();
  }

  /** Whether the current process runs; during a restart, the answer waits for the new one. */
  synchronized boolean alive() {
    return process.isAlive();
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

  /** User plus system CPU time in seconds, of this process and of those it replaced. */
  double cpuSeconds() {
    return earlierCpuSeconds + process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  /** SIGTERM, then SIGKILL after {@code grace}. */
  void stop(Duration grace) throws InterruptedException {
    Process p = process;
    p.destroy();
    if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(30));
  }
}
