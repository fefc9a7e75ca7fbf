package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.devinfra.DevServersMain;
import com.dcmms.telemetry.testkit.ChildProcess;
import com.dcmms.telemetry.testkit.FreePorts;
import com.dcmms.telemetry.tools.cli.Unreachable;
import com.dcmms.telemetry.tools.loadgen.LoadTest;
import com.dcmms.telemetry.tools.loadgen.LoadTestOptions;
import com.dcmms.telemetry.tools.loadgen.QuestDbClient;
import com.dcmms.telemetry.tools.monitor.Http;
import com.dcmms.telemetry.tools.monitor.Sample;
import com.dcmms.telemetry.tools.monitor.ServiceSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What every benchmark phase stands on: the dev servers, the packaged service, the load generator
 * in this JVM, and the sampling of the service (its {@code /api}, metrics and RSS) while a load
 * runs. The fixed-rate phase and the soak both drive it.
 */
final class BenchRig {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BenchOptions o;

  /** Completed checkpoints the service keeps listing: a minute of them at a one-second interval. */
  static final int CHECKPOINT_HISTORY = 60;

  private final Http http = new Http();
  private Duration interval;
  private String kafka;
  private int questDbHttp;
  private int questDbPg;
  private String serviceUrl;

  /** One look at the service while a load runs; {@code sample} is null when it did not answer. */
  record Tick(long atMillis, long rssBytes, Sample sample) {}

  /**
   * A load test's JSON report and the service's ticks from its start to its end (verification
   * included).
   */
  record Loaded(JsonNode report, long startMillis, List<Tick> ticks) {
    List<Sample> samples() {
      return ticks.stream().map(Tick::sample).filter(Objects::nonNull).toList();
    }

    long maxRss() {
      return ticks.stream().mapToLong(Tick::rssBytes).max().orElse(-1);
    }
  }

  BenchRig(BenchOptions o) {
    this.o = o;
  }

  String kafka() {
    return kafka;
  }

  int questDbHttp() {
    return questDbHttp;
  }

  /** The service's checkpoint interval as last started. */
  Duration interval() {
    return interval;
  }

  ServiceSource serviceSource() {
    return new ServiceSource(http, serviceUrl);
  }

  ChildProcess startServers() throws Exception {
    int[] ports = FreePorts.loopback(3);
    int kafkaPort = ports[0];
    questDbHttp = ports[1];
    questDbPg = ports[2];
    Path data = o.out().resolve("servers-data");
    deleteTree(data);
    List<String> cmd =
        List.of(
            ChildProcess.java(),
            "-Xmx2g",
            "-Ddev.demo.rate=0",
            "-Ddev.kafka.port=" + kafkaPort,
            "-Ddev.questdb.http-port=" + questDbHttp,
            "-Ddev.questdb.pg-port=" + questDbPg,
            "-cp",
            o.serversClasspath(),
            DevServersMain.class.getName(),
            data.toString());
    ChildProcess servers =
        ChildProcess.start(
            "servers",
            cmd,
            Map.of(),
            o.out().resolve("servers.log"),
            line -> line.startsWith(DevServersMain.READY));
    servers.awaitReady(Duration.ofMinutes(3));
    kafka = "127.0.0.1:" + kafkaPort;
    say("Kafka %s and QuestDB http %d / pg %d are up", kafka, questDbHttp, questDbPg);
    return servers;
  }

  /**
   * The packaged service, all features on, EXACTLY_ONCE output, with the options' parallelism and
   * checkpoints every {@code interval}, on fresh work and checkpoint directories.
   */
  ChildProcess startService(Duration interval) throws Exception {
    int port = FreePorts.loopback();
    Path work = o.out().resolve("service");
    deleteTree(work);
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BROKERS", kafka);
    env.put("QUESTDB_HOST", "127.0.0.1");
    env.put("QUESTDB_HTTP_PORT", Integer.toString(questDbHttp));
    env.put("FLINK_PARALLELISM", Integer.toString(o.parallelism()));
    env.put("CHECKPOINT_INTERVAL_MS", Long.toString(interval.toMillis()));
    env.put("CHECKPOINT_DIR", work.resolve("checkpoints").toUri().toString());
    env.put("TELEMETRY_SERVICE_WORK_DIR", work.resolve("work").toString());
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("MALLOC_ARENA_MAX", "2"); // as in the edge image
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcess.java());
    cmd.addAll(List.of(o.serviceJavaOpts().trim().split("\\s+")));
    // Every checkpoint's duration counts, and the service is looked at every few seconds: its
    // /api/checkpoints must list more than Flink's default 10 (a few seconds at a 1 s interval).
    cmd.add("-Dtelemetry.flink.web.checkpoints.history=" + CHECKPOINT_HISTORY);
    cmd.addAll(List.of("-jar", o.serviceJar().toString()));
    cmd.removeIf(String::isEmpty);
    long start = System.nanoTime();
    ChildProcess service =
        ChildProcess.start(
            "service",
            cmd,
            env,
            o.out().resolve("service.log"),
            line -> line.contains("Listening on"));
    service.awaitReady(Duration.ofMinutes(2));
    serviceUrl = "http://127.0.0.1:" + port;
    this.interval = interval;
    say(
        "service started in %.1f s (parallelism %d, checkpoints every %s)",
        (System.nanoTime() - start) / 1e9, o.parallelism(), BenchOptions.span(interval));
    return service;
  }

  /**
   * Stops the service as a user would (SIGTERM: it takes a savepoint) and starts it again with
   * checkpoints every {@code interval}; it resumes from the savepoint, dedup state included.
   */
  void restartService(ChildProcess service, Duration interval) throws Exception {
    long start = System.nanoTime();
    service.restart(Map.of("CHECKPOINT_INTERVAL_MS", Long.toString(interval.toMillis())));
    service.awaitReady(Duration.ofMinutes(2));
    this.interval = interval;
    say(
        "service restarted from its savepoint in %.1f s (checkpoints every %s)",
        (System.nanoTime() - start) / 1e9, BenchOptions.span(interval));
  }

  /** The job's state as {@code /api/pipeline} tells it, null when the service does not answer. */
  String jobState() throws InterruptedException {
    try {
      return http.json(serviceUrl + "/api/pipeline").path("state").asText(null);
    } catch (IOException e) {
      return null; // down, or not up yet
    }
  }

  /**
   * Waits until the service's job runs (without a drain before it, the load must not race the job's
   * start).
   */
  void awaitRunning(ChildProcess service, Duration timeout) throws InterruptedException {
    ServiceSource source = serviceSource();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive(service);
      Sample s = trySample(source);
      if (s != null && "RUNNING".equals(s.state())) {
        return;
      }
      Thread.sleep(o.sampleEvery().toMillis()); // a polling period
    }
    throw new IllegalStateException(
        "the service's job was not RUNNING within " + timeout.toSeconds() + " s");
  }

  /**
   * Waits until QuestDB has applied every committed WAL transaction of {@code table}: rows the sink
   * wrote are committed at once but applied later, and a drain's backlog must not land on the next
   * phase's figures. Returns the seconds it took.
   */
  double awaitQuestDbApplied(String table, Duration timeout)
      throws IOException, InterruptedException {
    QuestDbClient questDb = new QuestDbClient("http://127.0.0.1:" + questDbHttp);
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String sql =
        "SELECT writerTxn, sequencerTxn, suspended FROM wal_tables() WHERE name = '" + table + "'";
    while (true) {
      JsonNode rows = questDb.query(sql);
      if (rows.size() == 1 && rows.get(0).get(2).asBoolean()) {
        throw new IllegalStateException(
            "QuestDB suspended the WAL of " + table + "; see the servers' log");
      }
      if (rows.size() == 1 && rows.get(0).get(0).asLong() >= rows.get(0).get(1).asLong()) {
        return (System.nanoTime() - start) / 1e9;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "QuestDB had not applied the WAL of "
                + table
                + " after "
                + timeout.toSeconds()
                + " s: "
                + rows);
      }
      Thread.sleep(500); // a polling period
    }
  }

  /**
   * The load generator at the options' rate for their duration, with {@code --verify}, while the
   * service is sampled every {@link BenchOptions#sampleEvery()}; {@code faults} (or null) are
   * injected meanwhile, timed from the load's start.
   */
  Loaded loadWhileSampling(ChildProcess service, String name, Faults faults) throws Exception {
    ServiceSource source = serviceSource();
    List<Tick> ticks = new ArrayList<>();
    JsonNode[] result = new JsonNode[1];
    Exception[] failure = new Exception[1];
    Duration stall = faults == null ? Duration.ZERO : faults.longestStall();
    Thread load =
        new Thread(
            () -> {
              try {
                result[0] = loadTest(name, 0, o.duration(), o.rate(), 0, true, stall);
              } catch (Exception e) {
                failure[0] = e;
              }
            },
            "bench-load");
    long startMillis = System.currentTimeMillis();
    load.start();
    if (faults != null) {
      faults.start(startMillis);
    }
    while (load.isAlive()) {
      requireAlive(service);
      Sample s = trySample(source);
      ticks.add(new Tick(System.currentTimeMillis(), service.rssBytes(), s));
      load.join(o.sampleEvery().toMillis());
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    return new Loaded(result[0], startMillis, ticks);
  }

  /** Runs the load generator in this JVM and returns its JSON report. */
  JsonNode loadTest(String name, long events, Duration duration, double rate, boolean verify)
      throws IOException, InterruptedException {
    return loadTest(name, events, duration, rate, 0, verify, Duration.ZERO);
  }

  /**
   * As above; {@code eventRate} > 0 makes the events a backlog recorded at that rate; the
   * verification waits past a {@code stall} of the outputs (a fault's) before it judges them.
   */
  JsonNode loadTest(
      String name,
      long events,
      Duration duration,
      double rate,
      double eventRate,
      boolean verify,
      Duration stall)
      throws IOException, InterruptedException {
    Path report = o.out().resolve(name + ".json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers",
                kafka,
                "--questdb-url",
                "http://127.0.0.1:" + questDbHttp,
                "--rate",
                Double.toString(rate),
                "--workers",
                "2",
                "--sites",
                Integer.toString(o.sites()),
                "--assets",
                Integer.toString(o.assets()),
                "--sensors",
                Integer.toString(o.sensors()),
                "--report-json",
                report.toString(),
                "--seed",
                "20261125"));
    if (eventRate > 0) {
      args.addAll(List.of("--event-rate", Double.toString(eventRate)));
    } else {
      args.addAll(List.of("--latency-sample", verify ? "0.01" : "0"));
    }
    if (duration != null) {
      args.addAll(List.of("--duration", duration.toMillis() + "ms"));
    } else {
      args.addAll(List.of("--events", Long.toString(events)));
    }
    if (verify) {
      // Outputs unchanged this long count as settled: past a checkpoint, and past a fault's stall.
      Duration settle = interval.plusSeconds(5).plus(stall);
      args.addAll(
          List.of(
              "--verify",
              "--settle",
              settle.toMillis() + "ms",
              "--verify-timeout",
              Duration.ofMinutes(3).plus(stall).toMillis() + "ms"));
    }
    // A failed run throws with its cause; a failed verification is in the report.
    try {
      LoadTest.run(LoadTestOptions.parse(args.toArray(String[]::new)), System.out);
    } catch (Unreachable e) {
      // The benchmark's own servers, not a user's: a failure of the run (1), not a usage error.
      throw new IllegalStateException("the benchmark's servers stopped answering", e);
    }
    return JSON.readTree(report.toFile());
  }

  static Sample trySample(ServiceSource source) throws InterruptedException {
    try {
      return source.sample();
    } catch (IOException e) {
      return null; // not up yet, or busy: the next sample will tell
    }
  }

  static void requireAlive(ChildProcess p) {
    if (!p.alive()) {
      throw new IllegalStateException("the service exited; see its log under the output directory");
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
  }
}
