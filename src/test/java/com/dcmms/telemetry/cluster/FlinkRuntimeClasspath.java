package com.dcmms.telemetry.cluster;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The classpath of a standalone Flink cluster JVM, picked from the test classpath: what a
 * flink-dist {@code lib/} would hold (flink-dist itself is not on Maven Central in a usable form),
 * and none of the job's own libraries, so that the job JAR has to bring them.
 */
final class FlinkRuntimeClasspath {
  /**
   * Artifact ids: flink-runtime, flink-streaming-java, flink-clients, flink-runtime-web (the REST
   * jar endpoints), the RocksDB backend and the connector base, with their compile dependencies as
   * this build resolves them; then an SLF4J binding (JBoss LogManager, the one the tests use) and
   * what it needs. Kafka, its connector, the QuestDB client and unshaded Jackson are left out on
   * purpose.
   */
  static final Set<String> ARTIFACTS =
      Set.of(
          "flink-annotations",
          "flink-core",
          "flink-core-api",
          "flink-metrics-core",
          "flink-datastream",
          "flink-datastream-api",
          "flink-runtime",
          "flink-rpc-core",
          "flink-rpc-akka-loader",
          "flink-streaming-java",
          "flink-clients",
          "flink-runtime-web",
          "flink-statebackend-rocksdb",
          "flink-connector-base",
          "flink-connector-datagen",
          "flink-file-sink-common",
          "flink-queryable-state-client-java",
          "flink-hadoop-fs",
          "flink-shaded-asm-9",
          "flink-shaded-guava",
          "flink-shaded-jackson",
          "flink-shaded-netty",
          "flink-shaded-zookeeper-3",
          "frocksdbjni",
          "kryo",
          "reflectasm",
          "objenesis",
          "minlog",
          "snakeyaml-engine",
          "javassist",
          "commons-cli",
          "commons-collections",
          "commons-compress",
          "commons-io",
          "commons-lang3",
          "commons-math3",
          "commons-text",
          "snappy-java",
          "lz4-java",
          "async-profiler",
          "jsr305",
          "slf4j-api",
          "slf4j-jboss-logmanager",
          "jboss-logmanager",
          "smallrye-common-constraint",
          "smallrye-common-cpu",
          "smallrye-common-expression",
          "smallrye-common-function",
          "smallrye-common-net",
          "smallrye-common-os",
          "smallrye-common-ref");

  private FlinkRuntimeClasspath() {}

  /**
   * The jars of {@link #ARTIFACTS} from this JVM's classpath (Surefire puts the test classpath
   * there).
   */
  static List<Path> fromTestClasspath() {
    Map<String, Path> found = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      String artifact = artifactId(jar);
      if (artifact != null && ARTIFACTS.contains(artifact)) {
        found.putIfAbsent(artifact, jar);
      }
    }
    Set<String> missing = new TreeSet<>(ARTIFACTS);
    missing.removeAll(found.keySet());
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the Flink cluster classpath lacks "
              + missing
              + ": they are not on the test classpath; check the pom's Flink dependencies");
    }
    return new ArrayList<>(found.values());
  }

  /**
   * The artifact id of a jar in a Maven repository ({@code
   * …/<artifact>/<version>/<artifact>-<version>.jar}); null for anything else, including classifier
   * jars such as {@code -tests.jar}.
   */
  static String artifactId(Path jar) {
    Path versionDir = jar.getParent();
    if (versionDir == null || versionDir.getParent() == null) {
      return null;
    }
    String version = versionDir.getFileName().toString();
    String artifact = versionDir.getParent().getFileName().toString();
    return jar.getFileName().toString().equals(artifact + "-" + version + ".jar") ? artifact : null;
  }
}
