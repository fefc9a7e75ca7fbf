package com.dcmms.telemetry.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A child process (servers, the packaged service) that tests and tools start: its output goes to a
 * log file, its first line that passes a test is its ready line, it is spoken to on stdin, measured
 * from /proc and restartable.
 */
public final class ChildProcess implements AutoCloseable {
  /** For a child whose readiness is asked otherwise (an HTTP health check, say). */
  public static final Predicate<String> NO_READY_LINE = line -> false;

  private final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  private final Predicate<String> ready;
  private volatile Process process;
  private volatile Thread pump;
  private volatile CompletableFuture<String> firstMatch;
  private volatile Answer pending;

  /** CPU seconds of the processes this one replaced: a restart must not reset the account. */
  private volatile double earlierCpuSeconds;

  /** A command's expected answer: the first line that passes {@code test}. */
  private record Answer(Predicate<String> test, CompletableFuture<String> line) {}

  private ChildProcess(
      String name,
      List<String> command,
      Map<String, String> env,
      Path log,
      Predicate<String> ready) {
    this.name = name;
    this.command = List.copyOf(command);
    this.env = new HashMap<>(env);
    this.log = log;
    this.ready = ready;
  }

  /**
   * Starts {@code command} with {@code env} added to this JVM's environment; its lines go to {@code
   * log}, the first that passes {@code ready} completes {@link #awaitReady}.
   */
  public static ChildProcess start(
      String name, List<String> command, Map<String, String> env, Path log, Predicate<String> ready)
      throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ChildProcess child = new ChildProcess(name, command, env, log, ready);
    child.launch(false);
    return child;
  }

  /** The {@code java} of this JVM, to start another with the same runtime. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private synchronized void launch(boolean append) throws IOException {
    // Its stdin stays open while this JVM runs, so the dev servers (which exit at end of file)
    // never outlive it.
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process started = pb.start();
    CompletableFuture<String> match = new CompletableFuture<>();
    process = started;
    firstMatch = match;
    Thread reader = new Thread(() -> pump(started, match, append), name + "-log-" + started.pid());
    reader.setDaemon(true);
    reader.start();
    pump = reader;
  }

  /**
   * {@code kill -9}, then the same command again at once (same environment, so the same work and
   * checkpoint directories); returns when the new JVM started, not when it is ready.
   */
  public synchronized void killAndRestart() throws IOException, InterruptedException {
    double cpu = cpuSeconds(); // the last reading before the process and its account are gone
    process.toHandle().destroyForcibly();
    process.waitFor();
    pump.join(10_000); // the last lines of the process replaced go to the log first
    earlierCpuSeconds = cpu;
    launch(true);
  }

  /**
   * Stops it as {@link #stop} does, then starts it again with {@code changes} to its environment.
   */
  public synchronized void restart(Map<String, String> changes)
      throws IOException, InterruptedException {
    double cpu = cpuSeconds();
    stop(Duration.ofSeconds(60));
    pump.join(10_000);
    earlierCpuSeconds = cpu;
    env.putAll(changes);
    launch(true);
  }

  private void pump(Process p, CompletableFuture<String> match, boolean append) {
    StandardOpenOption[] mode =
        append
            ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
            : new StandardOpenOption[0];
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out =
            new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8, mode), true)) {
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
    match.completeExceptionally(
        new IOException(name + " exited with " + exit + " before it was ready; see " + log));
  }

  /**
   * Waits for the ready line and returns it; fails when the child exits first or after {@code
   * timeout}, when it is killed, so that no half-started child is left behind.
   */
  public String awaitReady(Duration timeout) {
    try {
      return await(firstMatch, timeout, "not ready");
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /**
   * Writes {@code line} to its stdin and waits for the first output line that passes {@code
   * answer}.
   */
  public synchronized String ask(String line, Predicate<String> answer, Duration timeout)
      throws IOException {
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

  private String await(CompletableFuture<String> line, Duration timeout, String what) {
    try {
      return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          name
              + " "
              + what
              + " after "
              + timeout.toSeconds()
              + " s; see "
              + log
              + "; its last lines:\n"
              + tail(40));
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          e.getCause().getMessage() + "; its last lines:\n" + tail(40), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + name + " was awaited", e);
    }
  }

  /** Closes its stdin: the dev servers take that as the end of the JVM that started them. */
  public void closeStdin() throws IOException {
    process.getOutputStream().close();
  }

  /** The current process (a restart replaces it). */
  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  /** Whether the current process runs; during a restart, the answer waits for the new one. */
  public synchronized boolean alive() {
    return process.isAlive();
  }

  /** Its log file. */
  public Path log() {
    return log;
  }

  /** Everything it printed so far; once it exited, everything it printed. */
  public String output() {
    Thread reader = pump;
    try {
      if (!process.isAlive()) {
        reader.join(10_000); // its last lines may still be on their way to the log
      }
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the output of " + name, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Its last {@code lines} lines of output. */
  public String tail(int lines) {
    List<String> all = output().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Resident set size in bytes, -1 when unknown (not Linux, or exited). */
  public long rssBytes() {
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
  public double cpuSeconds() {
    return earlierCpuSeconds
        + process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  /**
   * SIGTERM; returns whether it exited within {@code timeout}. Sent through its {@link
   * ProcessHandle}: {@link Process#destroy} would also close the pipe of its output, and what it
   * prints while it shuts down would be lost.
   */
  public boolean terminate(Duration timeout) throws InterruptedException {
    Process p = process;
    p.toHandle().destroy();
    return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGTERM, then SIGKILL after {@code grace}. */
  public void stop(Duration grace) throws InterruptedException {
    if (!terminate(grace)) {
      kill();
    }
  }

  /** SIGKILL, as {@code kill -9} would, and waits for the exit. */
  public void kill() throws InterruptedException {
    Process p = process;
    p.toHandle().destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(30));
  }
}
