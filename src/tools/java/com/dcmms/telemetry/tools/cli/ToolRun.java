package com.dcmms.telemetry.tools.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For tests: one in-process run of a tool's command line, its exit status, stdout, stderr and time
 * taken.
 */
public record ToolRun(int status, String out, String err, Duration took) {

  /** A tool's picocli entry point with its streams. */
  public interface Entry {
    int run(PrintStream out, PrintStream err, String... args);
  }

  public static ToolRun of(Entry entry, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long start = System.nanoTime();
    int status =
        entry.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new ToolRun(
        status,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** What {@code --version} prints for {@code name}: the pom's version and the checkout's HEAD. */
  public static String versionLine(String name) {
    return name + " " + pomVersion() + " (commit " + head() + ")" + System.lineSeparator();
  }

  /** The project's own version in pom.xml (the first version element after its artifactId). */
  static String pomVersion() {
    try {
      Matcher m =
          Pattern.compile(
                  "<artifactId>telemetry-pipeline</artifactId>\\s*<version>([^<]+)</version>")
              .matcher(Files.readString(Path.of("pom.xml")));
      if (!m.find()) {
        throw new IllegalStateException("pom.xml has no version after its artifactId");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String head() {
    try {
      Process git =
          new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String id = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (git.waitFor() != 0) {
        throw new IllegalStateException("git rev-parse HEAD: " + id);
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
