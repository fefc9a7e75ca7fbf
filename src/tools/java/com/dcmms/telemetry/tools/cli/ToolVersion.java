package com.dcmms.telemetry.tools.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code --version} of every tool: the project's version, filtered from the pom into {@code
 * version.properties} at build time, and the commit of the checkout the tools were built in when
 * git can tell it (the tools run from its {@code target/test-classes}).
 */
public final class ToolVersion implements IVersionProvider {
  @Spec private CommandSpec spec;

  @Override
  public String[] getVersion() {
    String commit = commit();
    return new String[] {
      spec.name() + " " + version() + (commit == null ? "" : " (commit " + commit + ")")
    };
  }

  /** The project's version, e.g. 1.0.0-SNAPSHOT. */
  public static String version() {
    try (InputStream in = ToolVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "version.properties is missing; build with ./mvnw test-compile");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The checkout's HEAD commit, or null outside a git checkout or without git. */
  static String commit() {
    try {
      // target/test-classes -> the checkout.
      Path root =
          Path.of(ToolVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .getParent()
              .getParent();
      if (root == null || !Files.exists(root.resolve(".git"))) {
        return null;
      }
      Process git =
          new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "HEAD")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      // Bounded: --version must not hang on a slow file system.
      if (!git.waitFor(5, TimeUnit.SECONDS)) {
        git.destroyForcibly();
        return null;
      }
      String id = new String(git.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      return git.exitValue() == 0 && id.matches("[0-9a-f]{40}") ? id : null;
    } catch (IOException
        | InterruptedException
        | java.net.URISyntaxException
        | RuntimeException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }
}
