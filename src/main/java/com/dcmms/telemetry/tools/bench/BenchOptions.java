package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.tools.loadgen.LoadTestOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's options; {@code --smoke} shrinks every phase to fit CI's two minutes,
 * {@code --soak} runs only the service at a fixed rate for long and compares the first and last
 * {@code window} of it.
 */
record BenchOptions(Path out, long events, double rate, Duration duration, int parallelism,
    Duration checkpointInterval, int sites, int assets, int sensors, String serviceJavaOpts,
    Path serviceJar, String serversClasspath, Duration drainTimeout, Duration sampleEvery,
    boolean soak, Duration window, Duration warmup) {

  static final String USAGE = """
      usage: bench/run [--smoke | --soak] [options]
        --events N               pre-loaded events drained by the baseline and the service (5000000),
                                 a backlog recorded at --rate
        --rate R --duration D    the fixed-rate phase (10000 events/s for 120s)
        --parallelism P          the service's parallelism (8, the embedded default)
        --checkpoint-interval D  the service's checkpoint interval (10s)
        --sites S --assets A --sensors N   the data profile (10 x 100 x 10 = 10,000 sensors)
        --service-java-opts "…"  JVM options of the service (-Xmx512m)
        --drain-timeout D        longest drain of the pre-loaded topic (30m)
        --warmup D               unmeasured load at --rate before the fixed-rate phase (60s)
        --out DIR                report, plot, JSON and logs (target/bench)
        --smoke                  20,000 events, 2,000 events/s for 15s after 5s of warm-up,
                                 parallelism 2, 5s checkpoints
        --soak                   no baseline or drain: the service at --rate for --duration (default
                                 10000 events/s for 30m), first vs last --window (5m) side by side,
                                 verified; report under target/soak
        --window D               with --soak: the length of the first and of the last window (5m)
      """;

  private static final List<String> KEYS = List.of("events", "rate", "duration", "parallelism",
      "checkpoint-interval", "sites", "assets", "sensors", "service-java-opts", "drain-timeout", "out",
      "service-jar", "servers-classpath", "window", "warmup");

  static BenchOptions parse(String... args) {
    Map<String, String> a = new HashMap<>();
    boolean smoke = false;
    boolean soak = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--smoke") || args[i].equals("--soak")) {
        smoke |= args[i].equals("--smoke");
        soak |= args[i].equals("--soak");
        continue;
      }
      String key = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      a.put(key, args[++i]);
    }
    if (!a.containsKey("servers-classpath")) {
      throw new IllegalArgumentException("--servers-classpath is required (bench/run passes it)");
    }
    if (smoke && soak) {
      throw new IllegalArgumentException("--smoke and --soak exclude each other; shorten a soak with --duration and --window");
    }
    if (!soak && a.containsKey("window")) {
      throw new IllegalArgumentException("--window is for --soak only");
    }
    if (soak && a.containsKey("warmup")) {
      throw new IllegalArgumentException("--warmup is not for --soak: its first window shows the warm-up");
    }
    BenchOptions o = new BenchOptions(Path.of(a.getOrDefault("out", soak ? "target/soak" : "target/bench")),
        Long.parseLong(a.getOrDefault("events", smoke ? "20000" : "5000000")),
        Double.parseDouble(a.getOrDefault("rate", smoke ? "2000" : "10000")),
        LoadTestOptions.duration(a.getOrDefault("duration", smoke ? "15s" : soak ? "30m" : "120s")),
        Integer.parseInt(a.getOrDefault("parallelism", smoke ? "2" : "8")),
        LoadTestOptions.duration(a.getOrDefault("checkpoint-interval", smoke ? "5s" : "10s")),
        Integer.parseInt(a.getOrDefault("sites", "10")), Integer.parseInt(a.getOrDefault("assets", "100")),
        Integer.parseInt(a.getOrDefault("sensors", "10")), a.getOrDefault("service-java-opts", "-Xmx512m"),
        Path.of(a.getOrDefault("service-jar", "target/quarkus-app/quarkus-run.jar")),
        a.get("servers-classpath"), LoadTestOptions.duration(a.getOrDefault("drain-timeout", "30m")), Duration.ofSeconds(2),
        soak, LoadTestOptions.duration(a.getOrDefault("window", "5m")),
        LoadTestOptions.duration(a.getOrDefault("warmup", smoke ? "5s" : soak ? "0s" : "60s")));
    if (o.events <= 0 || o.rate <= 0 || o.parallelism <= 0 || o.sites <= 0 || o.assets <= 0 || o.sensors <= 0) {
      throw new IllegalArgumentException("events, rate, parallelism and the profile must be positive");
    }
    // Overlapping windows would compare a stretch of the run with itself.
    if (soak && (o.window.isZero() || o.window.multipliedBy(2).compareTo(o.duration) > 0)) {
      throw new IllegalArgumentException("--window must be positive and at most half of --duration, got "
          + o.window.toSeconds() + " s of " + o.duration.toSeconds() + " s");
    }
    return o;
  }

  String describe() {
    if (soak) {
      return String.format(Locale.ROOT, "soak: %,.0f events/s for %d s, the first and last %d s compared; service "
              + "parallelism %d, checkpoints every %d s, EXACTLY_ONCE, %s; profile %d x %d x %d = %,d sensors; %d cores",
          rate, duration.toSeconds(), window.toSeconds(), parallelism, checkpointInterval.toSeconds(), serviceJavaOpts,
          sites, assets, sensors, sites * assets * sensors, Runtime.getRuntime().availableProcessors());
    }
    return String.format(Locale.ROOT, "%,d pre-loaded events (a backlog recorded at %,.0f events/s); %,.0f events/s "
            + "for %d s after %d s of warm-up; service parallelism %d, checkpoints every %d s, EXACTLY_ONCE, %s; "
            + "profile %d x %d x %d = %,d sensors; %d cores",
        events, rate, rate, duration.toSeconds(), warmup.toSeconds(), parallelism, checkpointInterval.toSeconds(), serviceJavaOpts,
        sites, assets, sensors, sites * assets * sensors, Runtime.getRuntime().availableProcessors());
  }
}
