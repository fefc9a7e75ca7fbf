package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.tools.loadgen.LoadTest;
import com.dcmms.telemetry.tools.monitor.Http;
import com.dcmms.telemetry.tools.monitor.Sample;
import com.dcmms.telemetry.tools.monitor.ServiceSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark ({@code bench/run}): real Kafka and QuestDB (the dev servers), a pre-loaded topic
 * drained by the bare baseline (1 and 2 threads) and by the packaged service, then the service at
 * a fixed rate with end-to-end latencies, checkpoints, backpressure, lag, RSS and CPU. It prints
 * one table and writes it, with a latency plot, under {@code --out}. See {@link BenchOptions}.
 */
public final class Benchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BenchOptions o;
  private final BenchTable table = new BenchTable();
  private final Http http = new Http();
  private String kafka;
  private int questDbHttp;
  private int questDbPg;
  private String serviceUrl;

  private Benchmark(BenchOptions o) {
    this.o = o;
  }

  public static void main(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.print(BenchOptions.USAGE);
      return;
    }
    BenchOptions o;
    try {
      o = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage() + "\n" + BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    java.util.logging.Logger.getLogger("org.apache.kafka").setLevel(java.util.logging.Level.WARNING);
    System.exit(new Benchmark(o).run());
  }

  private int run() throws Exception {
    Files.createDirectories(o.out());
    say("benchmark: %s; output under %s", o.describe(), o.out());
    try (ChildProcess servers = startServers()) {
      JsonNode preload = loadTest("preload", o.events(), null, 0, false);
      long expected = preload.path("expectedReadings").asLong();
      say("pre-loaded %d events (%d distinct readings expected) at %.0f events/s",
          preload.path("sent").asLong(), expected, preload.path("rateAchieved").asDouble());

      double base1 = baseline(1);
      double base2 = baseline(2);
      double baseline = Math.max(base1, base2);
      table.info("bare baseline, 1 thread (events/s)", rate(base1));
      table.info("bare baseline, 2 threads (events/s)", rate(base2));

      try (ChildProcess service = startService()) {
        Drain drain = drain(service, servers, expected);
        table.check("service drain, all features on (events/s)", rate(drain.rate()),
            ">= 100,000 and >= 0.5x baseline", ratio(drain.rate() / baseline),
            drain.rate() >= 100_000 && drain.rate() >= 0.5 * baseline);
        table.info("service RSS peak while draining", mb(drain.peakRss()));
        table.info("CPU while draining: service / Kafka + QuestDB (cores)", drain.cpu());
        // Exit 1 only when data was lost or mangled; a missed target shows in the table.
        return finish(fixedRate(service, servers, drain) ? 0 : 1);
      }
    }
  }

  private int finish(int status) throws IOException {
    String text = table.text();
    System.out.println();
    System.out.print(text);
    Path md = o.out().resolve("report.md");
    Files.writeString(md, "# Benchmark\n\n" + o.describe() + "\n\n" + table.markdown()
        + "\n![end-to-end latency](latency.svg)\n");
    say("wrote %s and %s", md, o.out().resolve("latency.svg"));
    return status;
  }

  // Servers and service.

  private ChildProcess startServers() throws Exception {
    int kafkaPort = freePort();
    questDbHttp = freePort();
    questDbPg = freePort();
    Path data = o.out().resolve("servers-data");
    deleteTree(data);
    List<String> cmd = List.of(java(), "-Xmx2g", "-Ddev.demo.rate=0", "-Ddev.kafka.port=" + kafkaPort,
        "-Ddev.questdb.http-port=" + questDbHttp, "-Ddev.questdb.pg-port=" + questDbPg,
        "-cp", o.serversClasspath(), "com.dcmms.telemetry.devinfra.DevServersMain", data.toString());
    ChildProcess servers = ChildProcess.start("servers", cmd, Map.of(), o.out().resolve("servers.log"),
        line -> line.startsWith("DEV-SERVERS READY"));
    servers.awaitLine(Duration.ofMinutes(3));
    kafka = "127.0.0.1:" + kafkaPort;
    say("Kafka %s and QuestDB http %d / pg %d are up", kafka, questDbHttp, questDbPg);
    return servers;
  }

  private ChildProcess startService() throws Exception {
    int port = freePort();
    Path work = o.out().resolve("service");
    deleteTree(work);
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BROKERS", kafka);
    env.put("QUESTDB_HOST", "127.0.0.1");
    env.put("QUESTDB_HTTP_PORT", Integer.toString(questDbHttp));
    env.put("QUESTDB_PORT", Integer.toString(questDbPg));
    env.put("FLINK_PARALLELISM", Integer.toString(o.parallelism()));
    env.put("CHECKPOINT_INTERVAL_MS", Long.toString(o.checkpointInterval().toMillis()));
    env.put("CHECKPOINT_DIR", work.resolve("checkpoints").toUri().toString());
    env.put("TELEMETRY_SERVICE_WORK_DIR", work.resolve("work").toString());
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("MALLOC_ARENA_MAX", "2"); // as in the edge image
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(List.of(o.serviceJavaOpts().trim().split("\\s+")));
    cmd.addAll(List.of("-jar", o.serviceJar().toString()));
    cmd.removeIf(String::isEmpty);
    long start = System.nanoTime();
    ChildProcess service = ChildProcess.start("service", cmd, env, o.out().resolve("service.log"),
        line -> line.contains("Listening on"));
    service.awaitLine(Duration.ofMinutes(2));
    serviceUrl = "http://127.0.0.1:" + port;
    say("service started in %.1f s (parallelism %d, checkpoints every %d s)", (System.nanoTime() - start) / 1e9,
        o.parallelism(), o.checkpointInterval().toSeconds());
    return service;
  }


  // The phases.

  private double baseline(int threads) throws Exception {
    BareBaseline.Result r = BareBaseline.run(kafka, "raw_telemetry", o.events(), threads, "127.0.0.1",
        questDbHttp, "baseline_" + threads + "t");
    say("bare baseline, %d thread(s): %d events (%d stored, %d rejected) in %.1f s = %.0f events/s",
        threads, r.events(), r.stored(), r.rejected(), r.elapsed().toMillis() / 1000.0, r.eventsPerSecond());
    return r.eventsPerSecond();
  }

  record Drain(double rate, long peakRss, double seconds, String cpu) {}

  /** From the job running to every expected row written by the sink, sampled every second. */
  private Drain drain(ChildProcess service, ChildProcess servers, long expected) throws Exception {
    CpuShare cpu = new CpuShare(service, servers);
    ServiceSource source = new ServiceSource(http, serviceUrl);
    long startNanos = 0;
    long peakRss = 0;
    long deadline = System.nanoTime() + o.drainTimeout().toNanos();
    Sample last = null;
    while (System.nanoTime() < deadline) {
      requireAlive(service);
      Sample s = trySample(source);
      peakRss = Math.max(peakRss, service.rssBytes());
      if (s != null && "RUNNING".equals(s.state()) && startNanos == 0) {
        startNanos = System.nanoTime();
      }
      if (s != null && startNanos != 0 && s.recordsOut() >= expected) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = o.events() / seconds;
        say("drained %d events in %.1f s = %.0f events/s", o.events(), seconds, rate);
        return new Drain(rate, peakRss, seconds, cpu.since());
      }
      if (s != null && startNanos != 0 && (last == null || s.atMillis() - last.atMillis() >= 5_000)) {
        say("  draining: %d read, %d stored of %d", s.recordsIn(), s.recordsOut(), expected);
        last = s;
      }
      Thread.sleep(1_000); // a sampling period, not a wait for a condition
    }
    throw new IllegalStateException("the service did not drain the topic within " + o.drainTimeout());
  }

  /** The fixed-rate phase: a load test with --verify while the service is sampled; false on a failed check. */
  private boolean fixedRate(ChildProcess service, ChildProcess servers, Drain drain) throws Exception {
    CpuShare cpu = new CpuShare(service, servers);
    ServiceSource source = new ServiceSource(http, serviceUrl);
    List<Sample> samples = new ArrayList<>();
    List<Long> rss = new ArrayList<>();
    JsonNode[] result = new JsonNode[1];
    Exception[] failure = new Exception[1];
    Thread load = new Thread(() -> {
      try {
        result[0] = loadTest("fixed", 0, o.duration(), o.rate(), true);
      } catch (Exception e) {
        failure[0] = e;
      }
    }, "bench-load");
    load.start();
    while (load.isAlive()) {
      requireAlive(service);
      Sample s = trySample(source);
      if (s != null) {
        samples.add(s);
      }
      rss.add(service.rssBytes());
      load.join(o.sampleEvery().toMillis());
    }
    if (failure[0] != null) {
      throw failure[0];
    }
    JsonNode r = result[0];
    double rateAchieved = r.path("rateAchieved").asDouble();
    table.check(String.format(Locale.ROOT, "fixed rate (events/s, %d s)", o.duration().toSeconds()),
        rate(rateAchieved), String.format(Locale.ROOT, "%.0f", o.rate()), "",
        rateAchieved >= 0.98 * o.rate());
    latencyRows("QuestDB-visible", r.path("questDb"), 1_000, "<= 1 s");
    long rcTarget = o.checkpointInterval().toMillis() + 1_000;
    latencyRows("read-committed", r.path("validatedTelemetry"), rcTarget,
        String.format(Locale.ROOT, "<= %.0f s (interval + 1 s)", rcTarget / 1000.0));
    long maxCheckpoint = samples.stream().mapToLong(Sample::checkpointDurationMs).max().orElse(-1);
    table.check("checkpoint duration, max (ms)", Long.toString(maxCheckpoint), "<= 1000", "",
        maxCheckpoint >= 0 && maxCheckpoint <= 1_000);
    long stateSize = samples.stream().mapToLong(Sample::checkpointSizeBytes).max().orElse(-1);
    table.info("checkpoint size, max", mb(stateSize));
    double backpressure = samples.stream().mapToDouble(Sample::maxBackpressure).max().orElse(0);
    table.check("backpressure, max over tasks and samples", pct(backpressure), "< 1 %", "", backpressure < 0.01);
    long lag = samples.stream().mapToLong(Sample::consumerLag).max().orElse(-1);
    table.info("consumer lag, max (records)", Long.toString(lag));
    long peakRss = Math.max(drain.peakRss(), rss.stream().mapToLong(Long::longValue).max().orElse(-1));
    long fixedRss = rss.stream().mapToLong(Long::longValue).max().orElse(-1);
    table.check("service RSS, max at fixed rate", mb(fixedRss), "<= 512 MB", "", fixedRss > 0 && fixedRss <= 512L << 20);
    table.info("service RSS, max over the whole run", mb(peakRss));
    table.info("CPU, fixed-rate phase incl. verify: service / Kafka + QuestDB (cores)", cpu.since());
    boolean verified = r.path("verified").asBoolean(false);
    table.check("verify: exact readings, records and dead letters", verified ? "PASS" : "FAIL", "PASS", "", verified);
    writePlot(r);
    return verified;
  }

  private void latencyRows(String what, JsonNode n, long targetMs, String target) {
    if (n.path("count").asLong() == 0) {
      table.check(what + " latency P99", "no samples", target, "", false);
      return;
    }
    table.info(what + " latency P50 / P95", String.format(Locale.ROOT, "%.0f / %.0f ms",
        n.path("p50Ms").asDouble(), n.path("p95Ms").asDouble()));
    double p99 = n.path("p99Ms").asDouble();
    table.check(what + " latency P99", String.format(Locale.ROOT, "%.0f ms", p99), target, "",
        p99 <= targetMs && n.path("unseen").asLong() == 0);
    table.info(what + " latency max", String.format(Locale.ROOT, "%.0f ms (%d samples, %d unseen)",
        n.path("maxMs").asDouble(), n.path("count").asLong(), n.path("unseen").asLong()));
  }

  private void writePlot(JsonNode r) throws IOException {
    List<LatencyPlot.Series> series = List.of(
        new LatencyPlot.Series("QuestDB-visible", "#1f77b4", points(r.path("questDb").path("series"))),
        new LatencyPlot.Series("read-committed validated_telemetry", "#d62728",
            points(r.path("validatedTelemetry").path("series"))));
    Files.writeString(o.out().resolve("latency.svg"), LatencyPlot.svg(String.format(Locale.ROOT,
        "End-to-end latency at %.0f events/s (parallelism %d, checkpoints every %d s)", o.rate(),
        o.parallelism(), o.checkpointInterval().toSeconds()), series));
  }

  private static List<double[]> points(JsonNode series) {
    List<double[]> out = new ArrayList<>();
    series.forEach(p -> out.add(new double[] {p.get(0).asDouble(), p.get(1).asDouble()}));
    return out;
  }

  /** Runs the load generator in this JVM and returns its JSON report. */
  private JsonNode loadTest(String name, long events, Duration duration, double rate, boolean verify)
      throws IOException {
    Path report = o.out().resolve(name + ".json");
    List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka,
        "--questdb-url", "http://127.0.0.1:" + questDbHttp, "--rate", Double.toString(rate),
        "--workers", "2", "--sites", Integer.toString(o.sites()), "--assets", Integer.toString(o.assets()),
        "--sensors", Integer.toString(o.sensors()), "--report-json", report.toString(),
        "--latency-sample", verify ? "0.01" : "0", "--seed", "20261125"));
    if (duration != null) {
      args.addAll(List.of("--duration", duration.toMillis() + "ms"));
    } else {
      args.addAll(List.of("--events", Long.toString(events)));
    }
    if (verify) {
      args.addAll(List.of("--verify", "--settle", (o.checkpointInterval().toSeconds() + 5) + "s"));
    }
    int status = LoadTest.run(args.toArray(String[]::new), System.out);
    if (status == LoadTest.USAGE_ERROR || !Files.exists(report)) {
      throw new IllegalStateException("the load test '" + name + "' failed with status " + status);
    }
    return JSON.readTree(report.toFile());
  }

  // Small helpers.

  private static Sample trySample(ServiceSource source) throws InterruptedException {
    try {
      return source.sample();
    } catch (IOException e) {
      return null; // not up yet, or busy: the next sample will tell
    }
  }

  private static void requireAlive(ChildProcess p) {
    if (!p.alive()) {
      throw new IllegalStateException("the service exited; see its log under the output directory");
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String rate(double r) {
    return String.format(Locale.ROOT, "%,.0f", r);
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2fx", r);
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / 1048576.0);
  }

  private static String pct(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }

  private static void say(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
  }
}
