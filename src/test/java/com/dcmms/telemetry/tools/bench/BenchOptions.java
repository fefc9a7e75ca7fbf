package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.tools.loadgen.LoadTestOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's options; {@code --smoke} shrinks every phase to fit CI's few minutes,
 * {@code --soak} runs only the service at a fixed rate for long and compares the first and last
 * {@code window} of it, with {@code --faults} killing the service and stopping QuestDB on the way.
 */
record BenchOptions(Path out, long events, double rate, Duration duration, int parallelism,
    Duration checkpointInterval, int sites, int assets, int sensors, String serviceJavaOpts,
    Path serviceJar, String serversClasspath, Duration drainTimeout, Duration sampleEvery,
    boolean soak, Duration window, Duration warmup, Duration fastInterval, boolean restart,
    boolean faults, Duration questDbOutage) {

  static final String USAGE = """
      usage: bench/run [--smoke | --soak [--faults]] [options]
        --events N               pre-loaded events drained by the baseline and the service (5000000),
                                 a backlog recorded at --rate
        --rate R --duration D    the fixed-rate phase (10000 events/s for 120s)
        --parallelism P          the service's parallelism (8, the embedded default)
        --checkpoint-interval D  the service's checkpoint interval (10s; 1s with --faults)
        --fast-interval D        then restart the service with this interval and run the warm-up and
                                 the fixed-rate phase again (1s; 0 or off: not)
        --no-restart             no restart phase (by default, the last service is killed with
                                 kill -9 a third into a fixed-rate load and started again, verified)
        --sites S --assets A --sensors N   the data profile (10 x 100 x 10 = 10,000 sensors)
        --service-java-opts "…"  JVM options of the service (the edge image's memory and GC flags)
        --drain-timeout D        longest drain of the pre-loaded topic (30m)
        --warmup D               unmeasured load at --rate before each fixed-rate phase (60s)
        --out DIR                report, plot, JSON and logs (target/bench)
        --smoke                  20,000 events, 2,000 events/s for 15s after 5s of warm-up,
                                 parallelism 2, 5s checkpoints (then 1s), kill -9 at 5s
        --soak                   no baseline or drain: the service at --rate for --duration (default
                                 10000 events/s for 30m), first vs last --window (5m) side by side,
                                 verified; report under target/soak
        --window D               with --soak: the length of the first and of the last window (5m)
        --faults                 with --soak: kill -9 the service a third into the run, stop QuestDB
                                 for --questdb-outage two thirds into it; each fault is left out of
                                 the windows until the pipeline recovered
        --questdb-outage D       with --faults: how long QuestDB stays stopped (60s)
      """;

  private static final List<String> FLAGS = List.of("smoke", "soak", "no-restart", "faults");
  private static final List<String> KEYS = List.of("events", "rate", "duration", "parallelism",
      "checkpoint-interval", "sites", "assets", "sensors", "service-java-opts", "drain-timeout", "out",
      "service-jar", "servers-classpath", "window", "warmup", "fast-interval", "questdb-outage");

  static BenchOptions parse(String... args) {
    Map<String, String> a = new HashMap<>();
    List<String> flags = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (FLAGS.contains(key)) {
        flags.add(key);
        continue;
      }
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      a.put(key, args[++i]);
    }
    boolean smoke = flags.contains("smoke");
    boolean soak = flags.contains("soak");
    boolean faults = flags.contains("faults");
    if (!a.containsKey("servers-classpath")) {
      throw new IllegalArgumentException("--servers-classpath is required (bench/run passes it)");
    }
    if (smoke && soak) {
      throw new IllegalArgumentException("--smoke and --soak exclude each other; shorten a soak with --duration and --window");
    }
    refuse(!soak && a.containsKey("window"), "--window is for --soak only");
    refuse(!soak && faults, "--faults is for --soak only; the benchmark's restart phase is its kill -9");
    refuse(!faults && a.containsKey("questdb-outage"), "--questdb-outage is for --soak --faults only");
    refuse(soak && a.containsKey("warmup"), "--warmup is not for --soak: its first window shows the warm-up");
    refuse(soak && a.containsKey("fast-interval"), "--fast-interval is not for --soak; set --checkpoint-interval");
    refuse(soak && flags.contains("no-restart"), "--no-restart is not for --soak; --faults adds the kill -9");
    String fast = a.getOrDefault("fast-interval", soak ? "0" : "1s");
    BenchOptions o = new BenchOptions(Path.of(a.getOrDefault("out", soak ? "target/soak" : "target/bench")),
        Long.parseLong(a.getOrDefault("events", smoke ? "20000" : "5000000")),
        Double.parseDouble(a.getOrDefault("rate", smoke ? "2000" : "10000")),
        LoadTestOptions.duration(a.getOrDefault("duration", smoke ? "15s" : soak ? "30m" : "120s")),
        Integer.parseInt(a.getOrDefault("parallelism", smoke ? "2" : "8")),
        LoadTestOptions.duration(a.getOrDefault("checkpoint-interval", smoke ? "5s" : faults ? "1s" : "10s")),
        Integer.parseInt(a.getOrDefault("sites", "10")), Integer.parseInt(a.getOrDefault("assets", "100")),
        Integer.parseInt(a.getOrDefault("sensors", "10")), a.getOrDefault("service-java-opts", ServiceJvm.OPTIONS),
        Path.of(a.getOrDefault("service-jar", "target/quarkus-app/quarkus-run.jar")),
        a.get("servers-classpath"), LoadTestOptions.duration(a.getOrDefault("drain-timeout", "30m")), Duration.ofSeconds(2),
        soak, LoadTestOptions.duration(a.getOrDefault("window", "5m")),
        LoadTestOptions.duration(a.getOrDefault("warmup", smoke ? "5s" : soak ? "0s" : "60s")),
        fast.equalsIgnoreCase("off") ? Duration.ZERO : LoadTestOptions.duration(fast),
        !soak && !flags.contains("no-restart"), faults,
        LoadTestOptions.duration(a.getOrDefault("questdb-outage", "60s")));
    if (o.events <= 0 || o.rate <= 0 || o.parallelism <= 0 || o.sites <= 0 || o.assets <= 0 || o.sensors <= 0) {
      throw new IllegalArgumentException("events, rate, parallelism and the profile must be positive");
    }
    // Overlapping windows would compare a stretch of the run with itself.
    if (soak && (o.window.isZero() || o.window.multipliedBy(2).compareTo(o.duration) > 0)) {
      throw new IllegalArgumentException("--window must be positive and at most half of --duration, got "
          + o.window.toSeconds() + " s of " + o.duration.toSeconds() + " s");
    }
    // The outage starts two thirds into the run; it must end while the load still runs.
    refuse(faults && (o.questDbOutage.isZero() || o.questDbOutage.multipliedBy(3).compareTo(o.duration) > 0),
        "--questdb-outage must be positive and at most a third of --duration");
    return o;
  }

  private static void refuse(boolean wrong, String why) {
    if (wrong) {
      throw new IllegalArgumentException(why);
    }
  }

  /** Whether the fixed-rate phase runs a second time, with the service restarted at {@link #fastInterval}. */
  boolean fastPhase() {
    return !fastInterval.isZero() && !fastInterval.equals(checkpointInterval);
  }

  String describe() {
    if (soak) {
      return String.format(Locale.ROOT, "soak: %,.0f events/s for %d s, the first and last %d s compared%s; service "
              + "parallelism %d, checkpoints every %s, EXACTLY_ONCE, %s; profile %d x %d x %d = %,d sensors; %d cores",
          rate, duration.toSeconds(), window.toSeconds(), faults ? String.format(Locale.ROOT,
              ", the service killed (kill -9) at %d s and QuestDB stopped for %d s at %d s", killAt().toSeconds(),
              questDbOutage.toSeconds(), outageAt().toSeconds()) : "",
          parallelism, span(checkpointInterval), serviceJavaOpts,
          sites, assets, sensors, sites * assets * sensors, Runtime.getRuntime().availableProcessors());
    }
    String fast = fastPhase() ? ", then again with the service restarted at checkpoints every " + span(fastInterval) : "";
    String kill = restart ? String.format(Locale.ROOT, "; restart: kill -9 at %d s of %d s at the fixed rate",
        killAt().toSeconds(), duration.toSeconds()) : "";
    return String.format(Locale.ROOT, "%,d pre-loaded events (a backlog recorded at %,.0f events/s); %,.0f events/s "
            + "for %d s after %d s of warm-up; service parallelism %d, checkpoints every %s%s%s, EXACTLY_ONCE, %s; "
            + "profile %d x %d x %d = %,d sensors; %d cores",
        events, rate, rate, duration.toSeconds(), warmup.toSeconds(), parallelism, span(checkpointInterval), fast,
        kill, serviceJavaOpts, sites, assets, sensors, sites * assets * sensors,
        Runtime.getRuntime().availableProcessors());
  }

  /** When the service is killed: a third into the load, so that it runs before and after. */
  Duration killAt() {
    return duration.dividedBy(3);
  }

  /** When QuestDB is stopped in a soak with faults: two thirds into the load. */
  Duration outageAt() {
    return duration.multipliedBy(2).dividedBy(3);
  }

  /** "10 s", "1 s", "500 ms". */
  static String span(Duration d) {
    return d.toMillis() % 1_000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
