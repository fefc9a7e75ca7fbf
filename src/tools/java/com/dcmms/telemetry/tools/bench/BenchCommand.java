package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.tools.cli.DurationConverter;
import com.dcmms.telemetry.tools.cli.ToolVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The benchmark's command line ({@code bench/run}); defaults depend on {@code --smoke}, {@code
 * --soak} and {@code --faults}, so {@link #options()} fills them in and checks the whole.
 */
@Command(
    name = "bench/run",
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    versionProvider = ToolVersion.class,
    // picocli puts "Usage: " before it.
    customSynopsis = "bench/run [--smoke | --soak [--faults]] [options]",
    description = {
      "The benchmark: real Kafka and QuestDB, the bare baseline, the packaged service drained, at a "
          + "fixed rate and killed; one table and plots under --out.",
      "Durations: 30s, 500ms, 10min (a bare number is milliseconds).",
      "Exit status: 0 done (a missed target shows in the table), 1 a verification failed (data lost, duplicated "
          + "or mis-routed) or the run broke off, 2 bad options or no service JAR."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(
      names = "--events",
      paramLabel = "N",
      description =
          "pre-loaded events drained by the baseline and the service (5000000), a backlog recorded at --rate")
  private Long events;

  @Option(
      names = "--rate",
      paramLabel = "R",
      description = "the fixed-rate phase's events/s (10000)")
  private Double rate;

  @Option(
      names = "--duration",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "the fixed-rate phase's length (120s)")
  private Duration duration;

  @Option(
      names = "--parallelism",
      paramLabel = "P",
      description = "the service's parallelism (8, the embedded default)")
  private Integer parallelism;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "the service's checkpoint interval (10s; 1s with --faults)")
  private Duration checkpointInterval;

  @Option(
      names = "--fast-interval",
      paramLabel = "D",
      converter = OffOrDuration.class,
      description =
          "then restart the service with this interval and run the warm-up and the fixed-rate phase "
              + "again (1s; 0 or off: not)")
  private Duration fastInterval;

  @Option(
      names = "--no-restart",
      description =
          "no restart phase (by default, the last service is killed with "
              + "kill -9 a third into a fixed-rate load and started again, verified)")
  private boolean noRestart;

  @Option(
      names = "--sites",
      paramLabel = "S",
      defaultValue = "10",
      description = "the data profile: sites (10),")
  private int sites;

  @Option(
      names = "--assets",
      paramLabel = "A",
      defaultValue = "100",
      description = "assets per site (100),")
  private int assets;

  @Option(
      names = "--sensors",
      paramLabel = "N",
      defaultValue = "10",
      description = "sensors per asset (10): 10,000 sensors")
  private int sensors;

  @Option(
      names = "--service-java-opts",
      paramLabel = "\"…\"",
      defaultValue = ServiceJvm.OPTIONS,
      description = "JVM options of the service (the edge image's memory and GC flags)")
  private String serviceJavaOpts;

  @Option(
      names = "--drain-timeout",
      paramLabel = "D",
      defaultValue = "30m",
      converter = DurationConverter.class,
      description = "longest drain of the pre-loaded topic (30m)")
  private Duration drainTimeout;

  @Option(
      names = "--warmup",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "unmeasured load at --rate before each fixed-rate phase (60s)")
  private Duration warmup;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "report, plot, JSON and logs (target/bench)")
  private Path out;

  @Option(
      names = "--smoke",
      description =
          "20,000 events, 2,000 events/s for 15s after 5s of warm-up, "
              + "parallelism 2, 5s checkpoints (then 1s), kill -9 at 5s")
  private boolean smoke;

  @Option(
      names = "--soak",
      description =
          "no baseline or drain: the service at --rate for --duration (default "
              + "10000 events/s for 30m), first vs last --window (5m) side by side, verified; report under target/soak")
  private boolean soak;

  @Option(
      names = "--window",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "with --soak: the length of the first and of the last window (5m)")
  private Duration window;

  @Option(
      names = "--faults",
      description =
          "with --soak: kill -9 the service a third into the run, stop QuestDB "
              + "for --questdb-outage two thirds into it; each fault is left out of the windows until the pipeline recovered")
  private boolean faults;

  @Option(
      names = "--questdb-outage",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "with --faults: how long QuestDB stays stopped (60s)")
  private Duration questDbOutage;

  // Passed by bench/run, not by its users.
  @Option(names = "--servers-classpath", paramLabel = "CP", required = true, hidden = true)
  private String serversClasspath;

  @Option(
      names = "--service-jar",
      hidden = true,
      defaultValue = "target/quarkus-app/quarkus-run.jar")
  private Path serviceJar;

  /** {@code 0} or {@code off} for no fast phase, otherwise a duration. */
  static final class OffOrDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      return text.equalsIgnoreCase("off") ? Duration.ZERO : DurationConverter.parse(text);
    }
  }

  @Override
  public Integer call() throws Exception {
    BenchOptions o = options();
    // Checked here, not in options(): unit tests parse the options of a project not yet packaged.
    refuse(
        !Files.isRegularFile(o.serviceJar()),
        "no service JAR at " + o.serviceJar() + "; build it with ./mvnw package -DskipTests");
    java.util.logging.Logger.getLogger("org.apache.kafka")
        .setLevel(java.util.logging.Level.WARNING);
    return o.soak() ? new Soak(o).run() : Benchmark.run(o);
  }

  /**
   * The options with the defaults of the kind of run, checked together; a usage error otherwise.
   */
  BenchOptions options() {
    refuse(
        smoke && soak,
        "--smoke and --soak exclude each other; shorten a soak with --duration and --window");
    refuse(!soak && window != null, "--window is for --soak only");
    refuse(
        !soak && faults,
        "--faults is for --soak only; the benchmark's restart phase is its kill -9");
    refuse(!faults && questDbOutage != null, "--questdb-outage is for --soak --faults only");
    refuse(
        soak && warmup != null, "--warmup is not for --soak: its first window shows the warm-up");
    refuse(
        soak && fastInterval != null,
        "--fast-interval is not for --soak; set --checkpoint-interval");
    refuse(soak && noRestart, "--no-restart is not for --soak; --faults adds the kill -9");
    BenchOptions o =
        new BenchOptions(
            or(out, Path.of(soak ? "target/soak" : "target/bench")),
            or(events, smoke ? 20_000L : 5_000_000L),
            or(rate, smoke ? 2_000.0 : 10_000.0),
            or(
                duration,
                smoke
                    ? Duration.ofSeconds(15)
                    : soak ? Duration.ofMinutes(30) : Duration.ofSeconds(120)),
            or(parallelism, smoke ? 2 : 8),
            or(
                checkpointInterval,
                smoke
                    ? Duration.ofSeconds(5)
                    : faults ? Duration.ofSeconds(1) : Duration.ofSeconds(10)),
            sites,
            assets,
            sensors,
            serviceJavaOpts,
            serviceJar,
            serversClasspath,
            drainTimeout,
            Duration.ofSeconds(2),
            soak,
            or(window, Duration.ofMinutes(5)),
            or(
                warmup,
                smoke ? Duration.ofSeconds(5) : soak ? Duration.ZERO : Duration.ofSeconds(60)),
            or(fastInterval, soak ? Duration.ZERO : Duration.ofSeconds(1)),
            !soak && !noRestart,
            faults,
            or(questDbOutage, Duration.ofSeconds(60)));
    refuse(
        o.events() <= 0
            || o.rate() <= 0
            || o.parallelism() <= 0
            || o.sites() <= 0
            || o.assets() <= 0
            || o.sensors() <= 0,
        "events, rate, parallelism and the profile must be positive");
    // Overlapping windows would compare a stretch of the run with itself.
    refuse(
        soak && (o.window().isZero() || o.window().multipliedBy(2).compareTo(o.duration()) > 0),
        "--window must be positive and at most half of --duration, got "
            + o.window().toSeconds()
            + " s of "
            + o.duration().toSeconds()
            + " s");
    // The outage starts two thirds into the run; it must end while the load still runs.
    refuse(
        faults
            && (o.questDbOutage().isZero()
                || o.questDbOutage().multipliedBy(3).compareTo(o.duration()) > 0),
        "--questdb-outage must be positive and at most a third of --duration");
    return o;
  }

  private static <T> T or(T given, T fallback) {
    return given != null ? given : fallback;
  }

  private void refuse(boolean wrong, String why) {
    if (wrong) {
      throw new ParameterException(spec.commandLine(), why);
    }
  }
}
