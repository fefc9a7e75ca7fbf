package com.dcmms.telemetry.tools.bench;

/**
 * The JVM options the benchmark runs the packaged service with by default: the memory and collector
 * flags of the edge image's {@code JAVA_OPTS} (docker/Dockerfile; a test keeps the two equal), so
 * that the figures are those of the service as shipped.
 */
public final class ServiceJvm {
  public static final String OPTIONS =
      "-XX:+UseParallelGC -Xmx200m -XX:ReservedCodeCacheSize=64m -Xss512k";

  private ServiceJvm() {}
}
