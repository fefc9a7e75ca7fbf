package com.dcmms.telemetry.cluster;

import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.testkit.ChildProcess;
import com.dcmms.telemetry.testkit.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink standalone session cluster as {@code start-cluster.sh} runs it: a JobManager JVM and
 * TaskManager JVMs on 127.0.0.1, sharing one {@code config.yaml}, each logging to {@code
 * target/flink-cluster-logs/<name>.log} and serving Flink's Prometheus reporter on a port of its
 * own, as the shipped configuration sets it up. Closing it stops every JVM.
 */
final class StandaloneFlinkCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneFlinkCluster.class);
  private static final String JOB_MANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  private static final String TASK_MANAGER_MAIN =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final String CLI_MAIN = "org.apache.flink.client.cli.CliFrontend";
  private static final Pattern SUBMITTED = Pattern.compile("submitted with JobID ([0-9a-f]{32})");

  /** What flink-dist's config.yaml puts in env.java.opts.all for Java 17. */
  private static final List<String> JAVA_17_OPTS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  // Flink at INFO tells the story of a run; Kafka's clients would print every config at INFO.
  // The console is the JVM's log file (see launch).
  private static final String LOGGING =
      """
      loggers=org.apache.kafka
      logger.level=INFO
      logger.handlers=CONSOLE
      logger.org.apache.kafka.level=WARN
      handler.CONSOLE=org.jboss.logmanager.handlers.ConsoleHandler
      handler.CONSOLE.formatter=PATTERN
      formatter.PATTERN=org.jboss.logmanager.formatters.PatternFormatter
      formatter.PATTERN.properties=pattern
      formatter.PATTERN.pattern=%d{HH:mm:ss.SSS} %-5p [%c{1}] (%t) %s%e%n
      """;

  private final Path configDir;
  private final Path logDir;
  private final String classpath;
  private final List<Path> classpathJars;
  private final int taskManagers;
  private final int slotsPerTaskManager;
  private final FlinkRestClient rest;
  private final Map<String, Integer> prometheusPorts = new LinkedHashMap<>();
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final Thread shutdownHook = new Thread(this::stopProcesses, "flink-cluster-stopper");
  private int submissions;

  private StandaloneFlinkCluster(
      Path configDir,
      Path logDir,
      List<Path> classpathJars,
      int taskManagers,
      int slotsPerTaskManager,
      int restPort) {
    this.configDir = configDir;
    this.logDir = logDir;
    this.classpathJars = classpathJars;
    this.classpath =
        classpathJars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    this.taskManagers = taskManagers;
    this.slotsPerTaskManager = slotsPerTaskManager;
    this.rest = new FlinkRestClient("http://127.0.0.1:" + restPort);
  }

  /**
   * Writes the configuration under {@code workDir} and launches the JobManager and the TaskManagers
   * side by side; {@link #awaitTaskManagers} waits until they have registered.
   */
  static StandaloneFlinkCluster start(Path workDir, int taskManagers, int slotsPerTaskManager)
      throws IOException {
    int[] ports = FreePorts.loopback(2);
    Path configDir = Files.createDirectories(workDir.resolve("conf"));
    Files.writeString(
        configDir.resolve("config.yaml"),
        String.join(
            "\n",
            "jobmanager.rpc.address: 127.0.0.1",
            "jobmanager.rpc.port: " + ports[0],
            "jobmanager.bind-host: 127.0.0.1",
            "rest.address: 127.0.0.1",
            "rest.bind-address: 127.0.0.1",
            "rest.port: " + ports[1],
            "taskmanager.bind-host: 127.0.0.1",
            "taskmanager.host: 127.0.0.1",
            "taskmanager.numberOfTaskSlots: " + slotsPerTaskManager,
            "parallelism.default: 1",
            // TaskManagers usually come up before the JobManager; they retry after this delay
            // (10 s by default), which would be most of the cluster's start time.
            "cluster.registration.error-delay: 1 s",
            // Sized from Flink's memory model: a 1024m TaskManager would leave the tasks (Kafka
            // clients, QuestDB sender) 26 MB of heap; 1280m gives 160 MB and 330 MB managed memory
            // for RocksDB. The JobManager's 448 MB heap also runs the jar's main at submission.
            "jobmanager.memory.process.size: 1024m",
            "taskmanager.memory.process.size: 1280m",
            "io.tmp.dirs: " + Files.createDirectories(workDir.resolve("tmp")),
            "web.tmpdir: " + Files.createDirectories(workDir.resolve("web")),
            // As docker/flink/config.yaml; each JVM gets its own port (see launch).
            "metrics.reporter.prom.factory.class: "
                + "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
            ""),
        StandardCharsets.UTF_8);
    StandaloneFlinkCluster cluster =
        create(workDir, configDir, taskManagers, slotsPerTaskManager, ports[1]);
    try {
      cluster.launchJobManager();
      cluster.launchTaskManagers();
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * A cluster of {@code taskManagers} run with a shipped {@code config.yaml} as it is, but for
   * {@link #LOOPBACK_KEYS}: what must differ when every JVM shares 127.0.0.1 and a scratch
   * directory. The slots per TaskManager are the file's. Like {@code start-cluster.sh}, it starts
   * the JobManager first and the TaskManagers once it answers, so no TaskManager waits out a failed
   * registration.
   */
  static StandaloneFlinkCluster startAsShipped(Path workDir, Path shippedConfig, int taskManagers)
      throws IOException {
    int[] ports = FreePorts.loopback(2);
    Path configDir = Files.createDirectories(workDir.resolve("conf"));
    Map<String, String> loopback = new LinkedHashMap<>();
    loopback.put("jobmanager.rpc.address", "127.0.0.1");
    loopback.put("jobmanager.rpc.port", Integer.toString(ports[0]));
    loopback.put("jobmanager.bind-host", "127.0.0.1");
    loopback.put("taskmanager.bind-host", "127.0.0.1");
    loopback.put("taskmanager.host", "127.0.0.1");
    // Eight TaskManagers on one host cannot share one RPC port, nor several JVMs a blob port.
    loopback.put("taskmanager.rpc.port", "0");
    loopback.put("blob.server.port", "0");
    loopback.put("rest.address", "127.0.0.1");
    loopback.put("rest.bind-address", "127.0.0.1");
    loopback.put("rest.port", Integer.toString(ports[1]));
    loopback.put("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
    loopback.put(
        "execution.checkpointing.savepoint-dir", workDir.resolve("savepoints").toUri().toString());
    loopback.put("io.tmp.dirs", Files.createDirectories(workDir.resolve("tmp")).toString());
    loopback.put("web.tmpdir", Files.createDirectories(workDir.resolve("web")).toString());
    LOG.info(
        "Flink cluster config {} with loopback overrides {} (and metrics.reporter.prom.port "
            + "per JVM)",
        shippedConfig,
        loopback);
    Files.writeString(
        configDir.resolve("config.yaml"),
        withOverrides(Files.readString(shippedConfig), loopback),
        StandardCharsets.UTF_8);
    int slots =
        GlobalConfiguration.loadConfiguration(configDir.toString())
            .get(TaskManagerOptions.NUM_TASK_SLOTS);
    StandaloneFlinkCluster cluster = create(workDir, configDir, taskManagers, slots, ports[1]);
    try {
      cluster.launchJobManager();
      await("JobManager REST API")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptionsMatching(
              e ->
                  e instanceof UncheckedIOException
                      || String.valueOf(e.getMessage()).contains(" answered 503"))
          .until(
              () -> {
                cluster.assertAllAlive();
                return cluster.rest.get("/overview").has("slots-total");
              });
      cluster.launchTaskManagers();
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** The YAML with each top-level {@code key: value} line of these keys replaced by ours. */
  static String withOverrides(String yaml, Map<String, String> overrides) {
    StringBuilder out = new StringBuilder();
    yaml.lines()
        .filter(
            line -> !overrides.containsKey(line.split(":", 2)[0].trim()) || line.startsWith("#"))
        .forEach(line -> out.append(line).append('\n'));
    out.append("\n# Loopback overrides of the test cluster\n");
    overrides.forEach((key, value) -> out.append(key).append(": ").append(value).append('\n'));
    return out.toString();
  }

  private static StandaloneFlinkCluster create(
      Path workDir, Path configDir, int taskManagers, int slotsPerTaskManager, int restPort)
      throws IOException {
    Files.writeString(configDir.resolve("logging.properties"), LOGGING, StandardCharsets.UTF_8);
    Path logDir =
        Files.createDirectories(
            Path.of(System.getProperty("basedir", "."), "target", "flink-cluster-logs"));
    List<Path> jars = new ArrayList<>(FlinkRuntimeClasspath.fromTestClasspath());
    jars.add(prometheusReporterJar());
    StandaloneFlinkCluster cluster =
        new StandaloneFlinkCluster(
            configDir, logDir, jars, taskManagers, slotsPerTaskManager, restPort);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    return cluster;
  }

  // The start scripts size each JVM from the configuration with these same utilities
  // (BashJavaUtils), hand the derived memory settings to the process as dynamic properties and
  // add env.java.opts.all and env.java.opts.<process>.
  private void launchJobManager() throws IOException {
    Configuration config = configuration();
    JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(config);
    launch(
        "jobmanager",
        JOB_MANAGER_MAIN,
        JobManagerProcessUtils.generateJvmParametersStr(jm, config)
            + " "
            + config.get(CoreOptions.FLINK_JVM_OPTIONS)
            + " "
            + config.get(CoreOptions.FLINK_JM_JVM_OPTIONS),
        JobManagerProcessUtils.generateDynamicConfigsStr(jm),
        List.of());
  }

  private void launchTaskManagers() throws IOException {
    Configuration config = configuration();
    TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(config);
    for (int i = 1; i <= taskManagers; i++) {
      String name = "taskmanager-" + i;
      launch(
          name,
          TASK_MANAGER_MAIN,
          ProcessMemoryUtils.generateJvmParametersStr(tm)
              + " "
              + config.get(CoreOptions.FLINK_JVM_OPTIONS)
              + " "
              + config.get(CoreOptions.FLINK_TM_JVM_OPTIONS),
          TaskExecutorProcessUtils.generateDynamicConfigsStr(tm),
          List.of("-D", "taskmanager.resource-id=" + name));
    }
  }

  /** The cluster's config.yaml as every JVM of it reads it. */
  Configuration configuration() {
    return GlobalConfiguration.loadConfiguration(configDir.toString());
  }

  /**
   * Flink's Prometheus reporter, which the build copies to {@code target/flink-plugins}: a plugin
   * of the Flink distribution, not a dependency of the tests (it bundles an old Prometheus client).
   */
  private static Path prometheusReporterJar() {
    Path jar =
        Path.of(
            System.getProperty("basedir", "."),
            "target",
            "flink-plugins",
            "flink-metrics-prometheus.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar
              + " is missing: the build's generate-test-resources "
              + "phase copies it (maven-dependency-plugin, execution flink-prometheus-reporter)");
    }
    return jar;
  }

  private void launch(
      String name,
      String mainClass,
      String jvmParameters,
      String dynamicConfigs,
      List<String> extraArgs)
      throws IOException {
    Path log = logDir.resolve(name + ".log");
    int prometheusPort = FreePorts.loopback();
    prometheusPorts.put(name, prometheusPort);
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.java());
    command.addAll(Arrays.asList(jvmParameters.trim().split("\\s+")));
    command.addAll(JAVA_17_OPTS);
    // A test cluster moves a few hundred records: the C1 compiler alone starts each JVM faster
    // and leaves the two cores to the servers and the test (about 8 s of a 60 s run).
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    command.add("-Dlogging.configuration=" + configDir.resolve("logging.properties").toUri());
    // Lets the web UI and REST API serve the log, as the start scripts do.
    command.add("-Dlog.file=" + log);
    command.addAll(List.of("-cp", classpath, mainClass, "--configDir", configDir.toString()));
    command.addAll(Arrays.asList(dynamicConfigs.trim().split("\\s+")));
    command.addAll(List.of("-D", "metrics.reporter.prom.port=" + prometheusPort));
    command.addAll(extraArgs);
    processes.put(
        name,
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
  }

  /** Waits until every TaskManager has registered its slots with the JobManager. */
  void awaitTaskManagers() {
    long started = System.nanoTime();
    await("TaskManagers registered")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        // Not up yet, or 503 while the JobManager elects its leader.
        .ignoreExceptionsMatching(
            e ->
                e instanceof UncheckedIOException
                    || String.valueOf(e.getMessage()).contains(" answered 503"))
        .until(
            () -> {
              assertAllAlive();
              return rest.get("/overview").get("slots-total").asInt();
            },
            slots -> slots == taskManagers * slotsPerTaskManager);
    LOG.info(
        "Flink standalone cluster ready in {} ms: REST {}, {} TaskManagers x {} slots, logs in {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        rest.baseUrl(),
        taskManagers,
        slotsPerTaskManager,
        logDir);
  }

  /** Fails with the JVM's log file when one of the cluster's JVMs has exited. */
  void assertAllAlive() {
    processes.forEach(
        (name, process) -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(
                "Flink "
                    + name
                    + " exited with "
                    + process.exitValue()
                    + "; see "
                    + logDir.resolve(name + ".log"));
          }
        });
  }

  FlinkRestClient rest() {
    return rest;
  }

  /**
   * Submits the job JAR with {@code flink run --detached -p <parallelism> [--fromSavepoint <path>]
   * jar args}: Flink's own command line (CliFrontend) in a JVM of its own with the cluster's
   * classpath and config.yaml, as {@code bin/flink} runs it. It builds the job graph from the jar's
   * main and submits it over REST (the path {@code web.submit.enable: false} leaves open). Returns
   * the job id.
   */
  String submit(Path jar, int parallelism, List<String> args, String savepoint)
      throws IOException, InterruptedException {
    Path log = logDir.resolve("flink-run-" + (++submissions) + ".log");
    List<String> command = new ArrayList<>();
    command.add(ChildProcess.java());
    command.addAll(JAVA_17_OPTS);
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    command.add("-Dlogging.configuration=" + configDir.resolve("logging.properties").toUri());
    command.addAll(
        List.of(
            "-cp", classpath, CLI_MAIN, "run", "--detached", "-p", Integer.toString(parallelism)));
    if (savepoint != null) {
      command.addAll(List.of("--fromSavepoint", savepoint));
    }
    command.add(jar.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("FLINK_CONF_DIR", configDir.toString());
    Process run = builder.start();
    if (!run.waitFor(3, TimeUnit.MINUTES)) {
      run.destroyForcibly();
      throw new AssertionError("flink run did not return within 3 min; see " + log);
    }
    String output = Files.readString(log);
    Matcher submitted = SUBMITTED.matcher(output);
    if (run.exitValue() != 0 || !submitted.find()) {
      throw new AssertionError("flink run exited with " + run.exitValue() + ":\n" + output);
    }
    return submitted.group(1);
  }

  /** Waits until the job and every task of it runs; fails with the job's exception if it cannot. */
  void awaitFullyRunning(String jobId, Duration timeout) {
    try {
      await("job " + jobId + " running")
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                assertAllAlive();
                return rest.isFullyRunning(jobId);
              });
    } catch (ConditionTimeoutException e) {
      // The job's own exceptions say why far better than a timeout does.
      throw new AssertionError(
          "job "
              + jobId
              + " is not running: "
              + rest.get("/jobs/" + jobId + "/exceptions").path("root-exception").asText(),
          e);
    }
  }

  /**
   * Stops the job with a savepoint into {@code targetDir}, as {@code flink stop --savepointPath}
   * does; returns the savepoint's location once the job has finished.
   */
  String stopWithSavepoint(String jobId, Path targetDir, Duration timeout) {
    String trigger = rest.triggerStopWithSavepoint(jobId, targetDir.toUri().toString());
    JsonNode done =
        await("savepoint of " + jobId)
            .atMost(timeout)
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> rest.savepointStatus(jobId, trigger),
                status -> "COMPLETED".equals(status.at("/status/id").asText()));
    if (!done.at("/operation/failure-cause").isMissingNode()) {
      throw new AssertionError("savepoint of " + jobId + " failed: " + done.at("/operation"));
    }
    await("job " + jobId + " finished")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> rest.job(jobId).get("state").asText(), "FINISHED"::equals);
    return done.at("/operation/location").asText();
  }

  /** One scrape of every JVM's Prometheus endpoint, concatenated. */
  String scrapePrometheus() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    StringBuilder all = new StringBuilder();
    for (String endpoint : prometheusEndpoints().values()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(endpoint + " answered " + response.statusCode());
      }
      all.append(response.body()).append('\n');
    }
    return all.toString();
  }

  /** Each JVM's Prometheus endpoint ({@code http://127.0.0.1:<port>/metrics}), by JVM name. */
  Map<String, String> prometheusEndpoints() {
    Map<String, String> endpoints = new LinkedHashMap<>();
    prometheusPorts.forEach(
        (name, port) -> endpoints.put(name, "http://127.0.0.1:" + port + "/metrics"));
    return endpoints;
  }

  /** The jars every cluster JVM runs with. */
  List<Path> classpath() {
    return classpathJars;
  }

  @Override
  public void close() {
    cancelJobs();
    stopProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook is running or has run; nothing left to undo.
    }
  }

  /**
   * Cancels what still runs, as an operator would before stopping a cluster: TaskManagers that are
   * shut down under running tasks fail them loudly (their user-code class loaders close first),
   * which would bury any real error in the logs.
   */
  private void cancelJobs() {
    try {
      List<String> running = new ArrayList<>();
      rest.get("/jobs/overview")
          .get("jobs")
          .forEach(
              job -> {
                if (!List.of("FINISHED", "CANCELED", "FAILED")
                    .contains(job.get("state").asText())) {
                  running.add(job.get("jid").asText());
                }
              });
      running.forEach(rest::cancel);
      await("jobs canceled")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  running.stream()
                      .allMatch(id -> "CANCELED".equals(rest.job(id).get("state").asText())));
    } catch (RuntimeException e) {
      // The JobManager may be gone already (a failed start, a crash): stopping the JVMs is enough.
      LOG.warn("Could not cancel the jobs before stopping the Flink cluster: {}", e.toString());
    }
  }

  /**
   * SIGTERM to all (Flink shuts down cleanly on it), then SIGKILL for any JVM still up after 15 s.
   */
  private synchronized void stopProcesses() {
    processes.values().forEach(Process::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    for (Map.Entry<String, Process> e : processes.entrySet()) {
      Process p = e.getValue();
      try {
        if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          LOG.warn("Flink {} did not stop on SIGTERM; killing it", e.getKey());
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException interrupted) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
