package com.dcmms.telemetry.tools.loadgen;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The load test's command-line options, parsed and checked once; every field is final. */
public record LoadTestOptions(
    String bootstrapServers, String topic, String validatedTopic, String dlqTopic,
    String questDbUrl, String table,
    long events, Duration duration, double rate, double eventRate, int workers,
    int sites, int assets, int sensors,
    double anomalies, double duplicates, double nearDuplicates, double malformed,
    double outOfOrder, Duration maxDisorder, double latencySample,
    boolean verify, Duration verifyTimeout, Duration settle, String runId, long seed,
    String reportJson) {

  /** Default run length when neither --events nor --duration is given. */
  public static final long DEFAULT_EVENTS = 10_000;

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.]{0,39}");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");

  public static final String USAGE = """
      usage: bin/load-test [options]
        --bootstrap-servers HOSTS  Kafka (default localhost:9092)
        --topic T                  raw topic (default raw_telemetry)
        --validated-topic T        (default validated_telemetry)
        --dlq-topic T              (default telemetry_dlq)
        --questdb-url URL          QuestDB HTTP (default http://localhost:9000)
        --table T                  (default sensor_readings)
        --events N | --duration D  run length (default 10000 events; D like 60s, 500ms, 2m)
        --rate R                   events/s over all workers, 0 = as fast as possible (default 1000)
        --event-rate R             event time of a backlog recorded at R events/s and ending now,
                                   whatever the send rate (default: event time = send time);
                                   needs --events, measures no latency
        --workers W                producer threads (default 2)
        --sites S --assets A --sensors N   profile, sensors per asset (default 3 x 10 x 5)
        --anomalies F              share of out-of-range values (default 0.01)
        --duplicates F             share of exact re-sends (default 0.01)
        --near-duplicates F        share of deadband repeats (default 0.01)
        --malformed F              share of records that break the contract (default 0.005)
        --out-of-order F           share of readings with a timestamp moved back (default 0.01)
        --max-disorder D           how far back at most (default 3s)
        --latency-sample F         share of readings whose end-to-end latency is measured (default 0.01)
        --verify                   check QuestDB, validated_telemetry and dead letters after the run
        --verify-timeout D         longest wait for the outputs to settle (default 180s)
        --settle D                 outputs unchanged this long count as settled (default 40s,
                                   above the job's checkpoint interval)
        --run-id ID                tags event ids and sensors (default random)
        --seed N                   random seed of the data (default random)
        --report-json FILE         also write the counts, rates, latencies and latency samples
                                   (scheduled send time, latency) as JSON, for the benchmark
      """;

  /** Parses {@code --key value} (or {@code --key=value}) arguments. */
  public static LoadTestOptions parse(String... args) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'; options look like --rate 1000");
      }
      String key = arg.substring(2);
      String value;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      } else if (key.equals("verify") || key.equals("help")) {
        value = "true";
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option --" + key + " needs a value");
      }
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option --" + key + "; see --help");
      }
      if (given.put(key, value) != null) {
        throw new IllegalArgumentException("option --" + key + " is given twice");
      }
    }
    if (given.containsKey("events") && given.containsKey("duration")) {
      throw new IllegalArgumentException("give either --events or --duration, not both");
    }
    Reader r = new Reader(given);
    double eventRate = r.get("event-rate", "0", Double::parseDouble);
    long events = given.containsKey("duration") ? 0 : r.get("events", "" + DEFAULT_EVENTS, Long::parseLong);
    Duration duration = given.containsKey("duration") ? r.get("duration", "0s", LoadTestOptions::duration) : null;
    if (given.containsKey("events") && events <= 0) {
      throw new IllegalArgumentException("--events must be positive, got " + events);
    }
    if (duration != null && duration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive, got " + given.get("duration"));
    }
    LoadTestOptions o = new LoadTestOptions(
        r.text("bootstrap-servers", "localhost:9092"), r.text("topic", "raw_telemetry"),
        r.text("validated-topic", "validated_telemetry"), r.text("dlq-topic", "telemetry_dlq"),
        stripSlash(r.text("questdb-url", "http://localhost:9000")), r.text("table", "sensor_readings"),
        events, duration, r.get("rate", "1000", Double::parseDouble),
        eventRate,
        r.get("workers", "2", Integer::parseInt),
        r.get("sites", "3", Integer::parseInt), r.get("assets", "10", Integer::parseInt),
        r.get("sensors", "5", Integer::parseInt),
        r.share("anomalies", "0.01"), r.share("duplicates", "0.01"),
        r.share("near-duplicates", "0.01"), r.share("malformed", "0.005"),
        r.share("out-of-order", "0.01"), r.get("max-disorder", "3s", LoadTestOptions::duration),
        r.share("latency-sample", eventRate > 0 ? "0" : "0.01"),
        given.containsKey("verify") && Boolean.parseBoolean(given.get("verify")),
        r.get("verify-timeout", "180s", LoadTestOptions::duration), r.get("settle", "40s", LoadTestOptions::duration),
        r.text("run-id", "lt" + UUID.randomUUID().toString().substring(0, 8)),
        r.get("seed", Long.toString(System.nanoTime()), Long::parseLong),
        given.containsKey("report-json") ? r.text("report-json", "") : "");
    o.check();
    return o;
  }

  private static final List<String> KEYS = List.of("bootstrap-servers", "topic", "validated-topic",
      "dlq-topic", "questdb-url", "table", "events", "duration", "rate", "event-rate", "workers", "sites", "assets",
      "sensors", "anomalies", "duplicates", "near-duplicates", "malformed", "out-of-order",
      "max-disorder", "latency-sample", "verify", "verify-timeout", "settle", "run-id", "seed", "report-json", "help");

  private void check() {
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException("--rate must be a number >= 0 (0 = as fast as possible), got " + rate);
    }
    if (!(eventRate >= 0) || Double.isInfinite(eventRate)) {
      throw new IllegalArgumentException("--event-rate must be a number >= 0 (0 = event time is send time), got "
          + eventRate);
    }
    if (eventRate > 0 && duration != null) {
      throw new IllegalArgumentException("--event-rate needs --events: a backlog's length is its number of events");
    }
    if (eventRate > 0 && latencySample > 0) {
      throw new IllegalArgumentException("--latency-sample needs event time = send time; leave it out "
          + "with --event-rate (a backlog's age is not end-to-end latency)");
    }
    positive("workers", workers);
    positive("sites", sites);
    positive("assets", assets);
    positive("sensors", sensors);
    if ((long) sites * assets * sensors < workers) {
      // Each sensor belongs to one worker, so per-sensor order and uniqueness need no locks.
      throw new IllegalArgumentException("--workers " + workers + " exceeds the number of sensors "
          + sites * assets * sensors + " (sites x assets x sensors); each worker needs a sensor of its own");
    }
    double sum = anomalies + duplicates + nearDuplicates + malformed;
    if (sum > 0.5) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--anomalies + --duplicates + "
          + "--near-duplicates + --malformed is %.3f; at most 0.5 is supported, the rest are normal readings", sum));
    }
    if (maxDisorder.toMillis() > 60_000) {
      throw new IllegalArgumentException("--max-disorder must be at most 60s (the job's dedup window), got " + maxDisorder);
    }
    if (!RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException("--run-id must be 1-40 letters, digits or dots, starting with a "
          + "letter or digit (it is used in event ids and SQL LIKE patterns), got '" + runId + "'");
    }
  }

  private static void positive(String key, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException("--" + key + " must be positive, got " + value);
    }
  }

  /** How far before the run's start a backlog's event time begins; 0 without --event-rate. */
  public long backlogMillis() {
    return eventRate > 0 ? (long) Math.ceil(events * 1000.0 / eventRate) : 0;
  }

  /** The total number of sensors of the profile. */
  public int sensorCount() {
    return sites * assets * sensors;
  }

  /** Prefix of every event id of this run. */
  public String eventIdPrefix() {
    return runId + "-";
  }

  /** Parses 60s, 500ms, 2m, 1h, 1.5s; a bare number means seconds. */
  /** "60s", "500ms", "2m", "1.5h"; a bare number is seconds. */
  public static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 60s, 500ms, 2m");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = switch (unit) {
      case "ms" -> amount;
      case "s" -> amount * 1_000;
      case "m" -> amount * 60_000;
      default -> amount * 3_600_000;
    };
    return Duration.ofMillis(Math.round(millis));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Reads one option with its default, turning parse failures into messages naming the option. */
  private record Reader(Map<String, String> given) {
    String text(String key, String fallback) {
      String v = given.getOrDefault(key, fallback).trim();
      if (v.isEmpty()) {
        throw new IllegalArgumentException("--" + key + " must not be empty");
      }
      return v;
    }

    <T> T get(String key, String fallback, Function<String, T> parser) {
      String v = text(key, fallback);
      try {
        return parser.apply(v);
      } catch (IllegalArgumentException e) {
        String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
        throw new IllegalArgumentException("bad value for --" + key + ": '" + v + "' (" + why + ")");
      }
    }

    double share(String key, String fallback) {
      double v = get(key, fallback, Double::parseDouble);
      if (!(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("--" + key + " is a share between 0 and 1, got " + v);
      }
      return v;
    }
  }
}
