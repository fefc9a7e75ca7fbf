package com.dcmms.telemetry.host.flink;

import com.dcmms.telemetry.host.JobOptionsFromConfig;
import com.dcmms.telemetry.host.ServiceConfig;
import com.dcmms.telemetry.host.dev.DevServices;
import com.dcmms.telemetry.host.metrics.MicrometerReporter;
import com.dcmms.telemetry.host.metrics.MicrometerReporterFactory;
import com.dcmms.telemetry.job.TelemetryJob;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4Factory;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.messages.FlinkJobNotFoundException;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Runs the telemetry job in a Flink MiniCluster inside the service: starts it at startup, resumes
 * from the newest retained snapshot, and stops it with a savepoint at shutdown.
 */
@ApplicationScoped
public class EmbeddedFlink {
  private static final Logger LOG = Logger.getLogger(EmbeddedFlink.class);

  private final ServiceConfig service;
  private final Config config;
  private final MeterRegistry registry;
  private final DevServices devServices;

  private volatile MiniCluster cluster;
  private volatile JobID jobId;
  private volatile TelemetryJobOptions options;
  private volatile String restoredFrom;
  private volatile long submittedAt;
  private volatile Configuration clusterConfiguration;
  private volatile List<URL> jobClasspath = List.of();
  private volatile JobFailureLog failureLog;

  EmbeddedFlink(
      ServiceConfig service, Config config, MeterRegistry registry, DevServices devServices) {
    this.service = service;
    this.config = config;
    this.registry = registry;
    this.devServices = devServices;
  }

  void onStart(@Observes StartupEvent event) throws Exception {
    devServices.ensureRunning();
    LOG.debugf("Kafka's lz4 compression uses %s", preferNativeLz4());
    options = JobOptionsFromConfig.options(config);
    restoredFrom = snapshotToRestore().map(Path::toString).orElse(null);
    Configuration flinkConfig = clusterConfiguration(options);
    clusterConfiguration = flinkConfig;
    MicrometerReporter.useRegistry(registry);
    cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(flinkConfig)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(options.parallelism())
                .build());
    cluster.start();

    JobGraph graph = jobGraph(flinkConfig);
    jobId = cluster.submitJob(graph).get().getJobID();
    submittedAt = System.currentTimeMillis();
    failureLog = JobFailureLog.watch(this::executionGraph, options);
    LOG.infof(
        "Telemetry job %s submitted at parallelism %d, %s",
        jobId,
        options.parallelism(),
        restoredFrom == null
            ? "starting fresh (no retained checkpoint or savepoint)"
            : "restored from " + restoredFrom);
  }

  void onStop(@Observes ShutdownEvent event) {
    MiniCluster c = cluster;
    if (c == null) {
      return;
    }
    if (failureLog != null) {
      failureLog.close();
    }
    try {
      if (isRunning()) {
        String savepoint =
            c.stopWithSavepoint(jobId, savepointDir(), false, SavepointFormatType.CANONICAL)
                .get(service.shutdownSavepointTimeout().toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("Telemetry job %s stopped with savepoint %s", jobId, savepoint);
      } else {
        LOG.infof(
            "Telemetry job %s is not running: no savepoint on shutdown; the next start "
                + "resumes from the last completed checkpoint",
            jobId);
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warnf(
          "Telemetry job %s could not take a savepoint on shutdown (%s); the next start "
              + "resumes from the last completed checkpoint",
          jobId, rootMessage(e));
    } finally {
      try {
        // Bounded: a source still retrying an unreachable broker must not hold the exit.
        c.closeAsync().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warnf("Closing the Flink MiniCluster failed: %s", rootMessage(e));
      }
      cluster = null;
    }
  }

  private Configuration clusterConfiguration(TelemetryJobOptions o) throws IOException {
    Configuration c = TelemetryJob.flinkConfiguration(o);
    Path tmp = cleanWorkDir();
    c.setString("io.tmp.dirs", tmp.toString());
    c.setString("classloader.resolve-order", "child-first");
    c.setString("rest.bind-address", "127.0.0.1");
    c.setString("rest.address", "127.0.0.1");
    // Without the web UI, the REST port is random, so it never collides with another service.
    c.setString(
        "rest.port", service.webUi().enabled() ? Integer.toString(service.webUi().port()) : "0");
    c.setString("web.submit.enable", "false");
    c.setString("web.cancel.enable", "false");
    c.setString("execution.checkpointing.savepoint-dir", savepointDir());
    if (o.stateBackend().equals("rocksdb")) {
      // RocksDB's block cache and memtables; dedup state is a few bytes per reading.
      c.setString("taskmanager.memory.managed.size", "128m");
      // Every slot shares one container: the design's 64 MB memtables, allocated per column
      // family and slot, would hold RocksDB far past its budget.
      c.setString("state.backend.rocksdb.writebuffer.size", "8mb");
      // The cleanup timers, about one per sensor, on the heap: no RocksDB reads and writes for
      // them.
      c.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
    } else {
      // Heap state uses no managed memory; reserving it would only hold native memory idle.
      c.setString("taskmanager.memory.managed.size", "0");
    }
    // A MiniCluster needs fixed network memory (min = max).
    String network = networkMemoryMb(o.parallelism()) + "m";
    c.setString("taskmanager.memory.network.min", network);
    c.setString("taskmanager.memory.network.max", network);
    // Off: on a two-core gateway debloating cost both drain throughput and latency, and made
    // checkpoints no faster (docs/benchmarks.md). telemetry.flink.* can turn it back on.
    c.setString("taskmanager.network.memory.buffer-debloat.enabled", "false");
    MicrometerReporterFactory.flinkConfiguration().forEach(c::setString);
    JobOptionsFromConfig.flinkOverrides(config).forEach(c::setString);
    return c;
  }

  /**
   * lz4-java takes its JNI compressor only when the system class loader loaded it or the library is
   * loaded already; in the service neither holds, and Kafka's sinks compressed with the safe Java
   * one, at a visible share of the service's CPU. Loading the library first fixes that.
   */
  public static String preferNativeLz4() {
    try {
      return LZ4Factory.nativeInstance().toString();
    } catch (Throwable e) { // no native build for this platform: Java works, only slower
      return LZ4Factory.fastestJavaInstance().toString();
    }
  }

  /**
   * Network memory for the job's one all-to-all exchange (validate to dedup): p² channels with two
   * exclusive 32 KiB buffers each, the floating buffers of every gate and the senders' pools, with
   * room to spare. More only holds more records in flight, which slows checkpoint barriers and adds
   * latency under backpressure; the buffers are allocated, and so resident, at start.
   */
  static long networkMemoryMb(int parallelism) {
    long buffers = 4L * parallelism * parallelism + 32L * parallelism;
    return Math.max(16, (buffers * 32 + 1023) / 1024);
  }

  private JobGraph jobGraph(Configuration flinkConfig) throws IOException {
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(flinkConfig);
    TelemetryJob.build(env, options);
    JobGraph graph = env.getStreamGraph().getJobGraph();
    // The MiniCluster's user-code class loader sees the job only through this location.
    URL codeLocation = TelemetryJob.class.getProtectionDomain().getCodeSource().getLocation();
    jobClasspath = List.of(codeLocation);
    graph.setClasspaths(jobClasspath);
    if (restoredFrom != null) {
      graph.setSavepointRestoreSettings(
          SavepointRestoreSettings.forPath(restoredFrom, false, RecoveryClaimMode.CLAIM));
    }
    return graph;
  }

  /**
   * The newest retained snapshot when the service restores, checked before the cluster starts: a
   * snapshot the state backend cannot read stops the start with what to do.
   */
  private Optional<Path> snapshotToRestore() throws IOException {
    if (!service.restore()) {
      return Optional.empty();
    }
    Optional<Path> snapshot = SnapshotFinder.newest(options.checkpointDir(), savepointDir());
    if (snapshot.isPresent()) {
      SnapshotCompatibility.requireRestorable(snapshot.get(), options.stateBackend());
    }
    return snapshot;
  }

  /** Flink's temporary files belong to the service: anything left by an earlier run goes. */
  private Path cleanWorkDir() throws IOException {
    Path tmp = Path.of(service.workDir(), "flink-tmp");
    if (Files.exists(tmp)) {
      try (Stream<Path> files = Files.walk(tmp)) {
        files
            .sorted(Comparator.reverseOrder())
            .forEach(
                p -> {
                  try {
                    Files.delete(p);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      }
    }
    return Files.createDirectories(tmp);
  }

  public String savepointDir() {
    return service
        .savepointDir()
        .orElseGet(
            () -> {
              String dir = options.checkpointDir();
              return (dir.endsWith("/") ? dir : dir + "/") + "savepoints";
            });
  }

  /**
   * The job's execution graph; empty before the job is submitted, after the cluster is closed, or
   * once the cluster no longer knows the job.
   *
   * @throws FlinkUnavailable when the cluster does not answer in time or the caller is interrupted
   *     (the interrupt flag is kept): the job's state is then unknown, not "not running"
   */
  public Optional<AccessExecutionGraph> executionGraph() {
    MiniCluster c = cluster;
    JobID id = jobId;
    if (c == null || id == null || !c.isRunning()) {
      return Optional.empty();
    }
    return await(c.getExecutionGraph(id).thenApply(g -> (AccessExecutionGraph) g), GRAPH_TIMEOUT);
  }

  static final Duration GRAPH_TIMEOUT = Duration.ofSeconds(5);

  /** The answer of the cluster, told apart from "the job is gone" and "no answer". */
  static <T> Optional<T> await(CompletableFuture<T> answer, Duration timeout) {
    try {
      return Optional.of(answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlinkUnavailable(
          "interrupted while asking the embedded Flink cluster about the job", e);
    } catch (TimeoutException e) {
      throw new FlinkUnavailable(
          "the embedded Flink cluster did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      if (ExceptionUtils.findThrowable(e, FlinkJobNotFoundException.class).isPresent()) {
        return Optional.empty();
      }
      throw new FlinkUnavailable(
          "the embedded Flink cluster failed to answer: " + rootMessage(e), e);
    }
  }

  public boolean isRunning() {
    return executionGraph().map(g -> g.getState() == JobStatus.RUNNING).orElse(false);
  }

  /** Takes a savepoint of the running job; with {@code stop} the job then finishes. */
  public String savepoint(boolean stop) throws Exception {
    MiniCluster c = cluster;
    if (c == null || jobId == null) {
      throw new IllegalStateException("the telemetry job is not running");
    }
    var future =
        stop
            ? c.stopWithSavepoint(jobId, savepointDir(), false, SavepointFormatType.CANONICAL)
            : c.triggerSavepoint(jobId, savepointDir(), false, SavepointFormatType.CANONICAL);
    String path = future.get(service.shutdownSavepointTimeout().toMillis(), TimeUnit.MILLISECONDS);
    LOG.infof(
        "Telemetry job %s: savepoint taken at %s%s", jobId, path, stop ? ", job stopped" : "");
    return path;
  }

  /** The Flink configuration the cluster was started with (a copy). */
  public Configuration clusterConfiguration() {
    return new Configuration(clusterConfiguration);
  }

  /** The class path given to the job graph: the location of the application's classes. */
  public List<URL> jobClasspath() {
    return jobClasspath;
  }

  public JobID jobId() {
    return jobId;
  }

  public TelemetryJobOptions options() {
    return options;
  }

  public String restoredFrom() {
    return restoredFrom;
  }

  public long submittedAt() {
    return submittedAt;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
