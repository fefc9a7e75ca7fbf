package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.cli.Cli;
import com.dcmms.telemetry.tools.cli.DurationConverter;
import com.dcmms.telemetry.tools.cli.ToolVersion;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The load test's command line: picocli reads it, {@link #options()} checks it as a whole. */
@Command(
    name = "bin/load-test",
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    versionProvider = ToolVersion.class,
    description = {
      "Sends a synthetic fleet's telemetry to Kafka at a held rate and measures end-to-end latency.",
      "Durations: 30s, 500ms, 10min (a bare number is milliseconds).",
      "Exit status: 0 done (and verified), 1 the verification found a difference or the run broke off, "
          + "2 bad options or Kafka or QuestDB unreachable."
    })
final class LoadTestCommand implements Callable<Integer> {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.]{0,39}");

  @Spec private CommandSpec spec;
  private final PrintStream out;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOSTS",
      defaultValue = "localhost:9092",
      description = "Kafka (default ${DEFAULT-VALUE})")
  private String bootstrapServers;

  @Option(
      names = "--topic",
      paramLabel = "T",
      defaultValue = "raw_telemetry",
      description = "raw topic (default ${DEFAULT-VALUE})")
  private String topic;

  @Option(
      names = "--validated-topic",
      paramLabel = "T",
      defaultValue = "validated_telemetry",
      description = "(default ${DEFAULT-VALUE})")
  private String validatedTopic;

  @Option(
      names = "--dlq-topic",
      paramLabel = "T",
      defaultValue = "telemetry_dlq",
      description = "(default ${DEFAULT-VALUE})")
  private String dlqTopic;

  @Option(
      names = "--questdb-url",
      paramLabel = "URL",
      defaultValue = "http://localhost:9000",
      description = "QuestDB HTTP (default ${DEFAULT-VALUE})")
  private String questDbUrl;

  @Option(
      names = "--table",
      paramLabel = "T",
      defaultValue = "sensor_readings",
      description = "(default ${DEFAULT-VALUE})")
  private String table;

  @ArgGroup(exclusive = true)
  private Length length;

  /** The run's length: a number of events or a duration, not both. */
  static final class Length {
    @Option(
        names = "--events",
        paramLabel = "N",
        required = true,
        description = "run length in events (default " + LoadTestOptions.DEFAULT_EVENTS + ")")
    private Long events;

    @Option(
        names = "--duration",
        paramLabel = "D",
        required = true,
        converter = DurationConverter.class,
        description = "run length in time")
    private Duration duration;
  }

  @Option(
      names = "--rate",
      paramLabel = "R",
      defaultValue = "1000",
      description = "events/s over all workers, 0 = as fast as possible (default ${DEFAULT-VALUE})")
  private double rate;

  @Option(
      names = "--event-rate",
      paramLabel = "R",
      defaultValue = "0",
      description =
          "event time of a backlog recorded at R events/s and ending now, whatever the send rate "
              + "(default: event time = send time); needs --events, measures no latency")
  private double eventRate;

  @Option(
      names = "--workers",
      paramLabel = "W",
      defaultValue = "2",
      description = "producer threads (default ${DEFAULT-VALUE})")
  private int workers;

  @Option(
      names = "--sites",
      paramLabel = "S",
      defaultValue = "3",
      description = "profile: sites (default ${DEFAULT-VALUE})")
  private int sites;

  @Option(
      names = "--assets",
      paramLabel = "A",
      defaultValue = "10",
      description = "assets per site (default ${DEFAULT-VALUE})")
  private int assets;

  @Option(
      names = "--sensors",
      paramLabel = "N",
      defaultValue = "5",
      description = "sensors per asset (default ${DEFAULT-VALUE})")
  private int sensors;

  @Option(
      names = "--anomalies",
      paramLabel = "F",
      defaultValue = "0.01",
      description = "share of out-of-range values (default ${DEFAULT-VALUE})")
  private double anomalies;

  @Option(
      names = "--duplicates",
      paramLabel = "F",
      defaultValue = "0.01",
      description = "share of exact re-sends (default ${DEFAULT-VALUE})")
  private double duplicates;

  @Option(
      names = "--near-duplicates",
      paramLabel = "F",
      defaultValue = "0.01",
      description = "share of deadband repeats (default ${DEFAULT-VALUE})")
  private double nearDuplicates;

  @Option(
      names = "--malformed",
      paramLabel = "F",
      defaultValue = "0.005",
      description = "share of records that break the contract (default ${DEFAULT-VALUE})")
  private double malformed;

  @Option(
      names = "--out-of-order",
      paramLabel = "F",
      defaultValue = "0.01",
      description = "share of readings with a timestamp moved back (default ${DEFAULT-VALUE})")
  private double outOfOrder;

  @Option(
      names = "--max-disorder",
      paramLabel = "D",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description = "how far back at most (default ${DEFAULT-VALUE})")
  private Duration maxDisorder;

  @Option(
      names = "--latency-sample",
      paramLabel = "F",
      description =
          "share of readings whose end-to-end latency is measured (default 0.01; 0 with --event-rate)")
  private Double latencySample;

  @Option(
      names = "--verify",
      description = "check QuestDB, validated_telemetry and dead letters after the run")
  private boolean verify;

  @Option(
      names = "--verify-timeout",
      paramLabel = "D",
      defaultValue = "180s",
      converter = DurationConverter.class,
      description = "longest wait for the outputs to settle (default ${DEFAULT-VALUE})")
  private Duration verifyTimeout;

  @Option(
      names = "--settle",
      paramLabel = "D",
      defaultValue = "40s",
      converter = DurationConverter.class,
      description =
          "outputs unchanged this long count as settled (default ${DEFAULT-VALUE}, above the job's "
              + "checkpoint interval)")
  private Duration settle;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "tags event ids and sensors (default random)")
  private String runId;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "random seed of the data (default random)")
  private Long seed;

  @Option(
      names = "--report-json",
      paramLabel = "FILE",
      description =
          "also write the counts, rates, latencies and latency samples "
              + "(scheduled send time, latency) as JSON, for the benchmark")
  private String reportJson;

  LoadTestCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    return LoadTest.run(options(), out);
  }

  /** The options as given, defaults filled in and checked together; a usage error otherwise. */
  LoadTestOptions options() {
    long events =
        length == null ? LoadTestOptions.DEFAULT_EVENTS : length.events == null ? 0 : length.events;
    Duration duration = length == null ? null : length.duration;
    if (length != null && length.events != null && events <= 0) {
      throw usage("--events must be positive, got " + events);
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw usage("--duration must be positive, got " + duration.toMillis() + " ms");
    }
    share("--anomalies", anomalies);
    share("--duplicates", duplicates);
    share("--near-duplicates", nearDuplicates);
    share("--malformed", malformed);
    share("--out-of-order", outOfOrder);
    double sample = latencySample != null ? latencySample : eventRate > 0 ? 0 : 0.01;
    share("--latency-sample", sample);
    String id = runId != null ? runId : "lt" + UUID.randomUUID().toString().substring(0, 8);
    LoadTestOptions o =
        new LoadTestOptions(
            text("--bootstrap-servers", bootstrapServers),
            text("--topic", topic),
            text("--validated-topic", validatedTopic),
            text("--dlq-topic", dlqTopic),
            stripSlash(text("--questdb-url", questDbUrl)),
            text("--table", table),
            events,
            duration,
            rate,
            eventRate,
            workers,
            sites,
            assets,
            sensors,
            anomalies,
            duplicates,
            nearDuplicates,
            malformed,
            outOfOrder,
            maxDisorder,
            sample,
            verify,
            verifyTimeout,
            settle,
            id,
            seed != null ? seed : System.nanoTime(),
            reportJson == null ? "" : text("--report-json", reportJson));
    check(o);
    return o;
  }

  private void check(LoadTestOptions o) {
    if (!(o.rate() >= 0) || Double.isInfinite(o.rate())) {
      throw usage("--rate must be a number >= 0 (0 = as fast as possible), got " + o.rate());
    }
    if (!(o.eventRate() >= 0) || Double.isInfinite(o.eventRate())) {
      throw usage(
          "--event-rate must be a number >= 0 (0 = event time is send time), got " + o.eventRate());
    }
    if (o.eventRate() > 0 && o.duration() != null) {
      throw usage("--event-rate needs --events: a backlog's length is its number of events");
    }
    if (o.eventRate() > 0 && o.latencySample() > 0) {
      throw usage(
          "--latency-sample needs event time = send time; leave it out "
              + "with --event-rate (a backlog's age is not end-to-end latency)");
    }
    positive("--workers", o.workers());
    positive("--sites", o.sites());
    positive("--assets", o.assets());
    positive("--sensors", o.sensors());
    if ((long) o.sites() * o.assets() * o.sensors() < o.workers()) {
      // Each sensor belongs to one worker, so per-sensor order and uniqueness need no locks.
      throw usage(
          "--workers "
              + o.workers()
              + " exceeds the number of sensors "
              + o.sensorCount()
              + " (sites x assets x sensors); each worker needs a sensor of its own");
    }
    double sum = o.anomalies() + o.duplicates() + o.nearDuplicates() + o.malformed();
    if (sum > 0.5) {
      throw usage(
          String.format(
              Locale.ROOT,
              "--anomalies + --duplicates + --near-duplicates + --malformed is "
                  + "%.3f; at most 0.5 is supported, the rest are normal readings",
              sum));
    }
    if (o.maxDisorder().toMillis() > 60_000) {
      throw usage(
          "--max-disorder must be at most 60s (the job's dedup window), got "
              + o.maxDisorder().toMillis()
              + " ms");
    }
    if (!RUN_ID.matcher(o.runId()).matches()) {
      throw usage(
          "--run-id must be 1-40 letters, digits or dots, starting with a letter or digit (it is used in "
              + "event ids and SQL LIKE patterns), got '"
              + o.runId()
              + "'");
    }
  }

  private String text(String option, String value) {
    if (value.isBlank()) {
      throw usage(option + " must not be empty");
    }
    return value.trim();
  }

  private void share(String option, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw usage(option + " is a share between 0 and 1, got " + value);
    }
  }

  private void positive(String option, long value) {
    if (value <= 0) {
      throw usage(option + " must be positive, got " + value);
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The exit status of a load test with {@code args}; see {@link Cli#execute}. */
  static int execute(PrintStream out, PrintStream err, String... args) {
    return Cli.execute("load-test", new LoadTestCommand(out), out, err, args);
  }
}
