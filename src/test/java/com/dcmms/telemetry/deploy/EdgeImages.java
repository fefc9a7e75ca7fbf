package com.dcmms.telemetry.deploy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Builds the edge image from docker/Dockerfile without a registry: its base is {@code
 * -Dedge.base-image=…} if given, else the local Java 17 image that docker/local-base/build makes
 * (built here when absent).
 */
final class EdgeImages {
  static final String LOCAL_BASE = "dcmms/jre17-local:latest";
  static final String EDGE = "dcmms/telemetry-edge:it";
  private static final Path BASE_SCRIPT = Path.of("docker", "local-base", "build");
  private static final Path LOGS = Path.of("target", "service-logs");

  private EdgeImages() {}

  /** The base image's name, built first when it is the local one and it is missing. */
  static String base() throws IOException, InterruptedException {
    String given = System.getProperty("edge.base-image", "");
    if (!given.isBlank()) {
      return given;
    }
    if (sizeBytes(LOCAL_BASE) < 0) {
      buildLocalBase();
    }
    return LOCAL_BASE;
  }

  /**
   * docker/Dockerfile on that base, with only the packaged service as build context (the classic
   * builder ignores Dockerfile.dockerignore). Nothing is pulled: the base is local. The image
   * stays, so that the next build reuses its unchanged layers.
   */
  static String buildEdge(String base) {
    return new ImageFromDockerfile(EDGE, false)
        .withFileFromPath("docker/Dockerfile", DeploymentFilesTest.EDGE_IMAGE)
        .withFileFromPath("target/quarkus-app", Path.of("target", "quarkus-app"))
        .withBuildArg("BASE_IMAGE", base)
        .withBuildImageCmdModifier(
            cmd -> cmd.withDockerfilePath("docker/Dockerfile").withPull(false))
        .get();
  }

  /** The image's size as Docker reports it, or -1 when there is no such image. */
  static long sizeBytes(String image) {
    DockerClient docker = DockerClientFactory.instance().client();
    try {
      return docker.inspectImageCmd(image).exec().getSize();
    } catch (NotFoundException e) {
      return -1;
    }
  }

  private static void buildLocalBase() throws IOException, InterruptedException {
    Path log = Files.createDirectories(LOGS).resolve("local-base.log");
    ProcessBuilder build =
        new ProcessBuilder("bash", BASE_SCRIPT.toString(), LOCAL_BASE)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // The JDK running the tests is the one to jlink (the script falls back to Debian's JDK 17).
    build.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = build.start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(BASE_SCRIPT + " did not finish in 15 min; see " + log);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(
          BASE_SCRIPT + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
    }
  }
}
