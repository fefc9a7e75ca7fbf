package com.dcmms.telemetry.job;

import static com.dcmms.telemetry.job.JobOption.choice;
import static com.dcmms.telemetry.job.JobOption.duration;
import static com.dcmms.telemetry.job.JobOption.durationOr;
import static com.dcmms.telemetry.job.JobOption.flag;
import static com.dcmms.telemetry.job.JobOption.number;
import static com.dcmms.telemetry.job.JobOption.optionalText;
import static com.dcmms.telemetry.job.JobOption.text;
import static com.dcmms.telemetry.job.JobOption.wholeNumber;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every option of the job, defined once: key, type, default, meaning and environment variable.
 * {@link TelemetryJobOptions} holds their values; {@code docs/configuration.md} is generated from
 * this list, in this order.
 */
public final class JobOptionDefinitions {
  private static final Map<String, JobOption<?>> BY_KEY = new LinkedHashMap<>();

  // --- Kafka ---------------------------------------------------------------------------------

  public static final JobOption<String> KAFKA_BOOTSTRAP_SERVERS =
      define(
          text(
                  "kafka.bootstrap-servers",
                  "localhost:9092",
                  "Kafka brokers, host:port[,host:port...].")
              .fromEnvironment("KAFKA_BROKERS"));
  public static final JobOption<String> KAFKA_RAW_TOPIC =
      define(
          text(
              "kafka.raw-topic",
              "raw_telemetry",
              "Topic the devices' raw JSON events are read from."));
  public static final JobOption<String> KAFKA_VALIDATED_TOPIC =
      define(
          text(
              "kafka.validated-topic",
              "validated_telemetry",
              "Topic the validated, deduplicated readings are written to."));
  public static final JobOption<String> KAFKA_DEAD_LETTER_TOPIC =
      define(
          text(
              "kafka.dead-letter-topic",
              "telemetry_dlq",
              "Topic of the dead letters: each rejected record with its reason and raw bytes."));
  public static final JobOption<String> KAFKA_GROUP_ID =
      define(
          text(
              "kafka.group-id",
              "flink-telemetry-processor",
              "Consumer group of the source; offsets are committed to it on every checkpoint."));
  public static final JobOption<String> KAFKA_OFFSET_RESET =
      define(
          choice(
              "kafka.offset-reset",
              "earliest",
              "Where the source starts when its group has no committed offset.",
              "earliest",
              "latest"));
  public static final JobOption<String> KAFKA_DELIVERY_GUARANTEE =
      define(
          choice(
              "kafka.delivery-guarantee",
              "exactly-once",
              "Guarantee of the two Kafka sinks: exactly-once writes in transactions that commit with "
                  + "each checkpoint (readers use read_committed).",
              "exactly-once",
              "at-least-once"));
  public static final JobOption<String> KAFKA_TRANSACTIONAL_ID_PREFIX =
      define(
          text(
              "kafka.transactional-id-prefix",
              "telemetry",
              "Prefix of the sinks' transactional ids and client ids; two jobs writing the same "
                  + "topics need different prefixes."));
  public static final JobOption<Duration> KAFKA_TRANSACTION_TIMEOUT =
      define(
          duration(
                  "kafka.transaction-timeout",
                  Duration.ofMinutes(15),
                  "Timeout of the sinks' transactions; at most the broker's "
                      + "transaction.max.timeout.ms.")
              .positive());
  public static final JobOption<Integer> KAFKA_DEAD_LETTER_WRITERS =
      define(
          wholeNumber(
                  "kafka.dead-letter-writers",
                  0,
                  "Subtasks of the dead-letter sink, each a transactional producer; 0 for the job's "
                      + "parallelism.")
              .atLeast(0));

  // --- QuestDB -------------------------------------------------------------------------------

  public static final JobOption<String> QUESTDB_HOST =
      define(
          text(
                  "questdb.host",
                  "localhost",
                  "QuestDB's host; the job writes over HTTP only (ILP and "
                      + "the table's creation).")
              .fromEnvironment("QUESTDB_HOST"));
  public static final JobOption<Integer> QUESTDB_HTTP_PORT =
      define(
          wholeNumber("questdb.http-port", 9000, "QuestDB's HTTP port.")
              .accepting(v -> v >= 1 && v <= 65535, "a port number from 1 to 65535")
              .fromEnvironment("QUESTDB_HTTP_PORT"));
  public static final JobOption<String> QUESTDB_TABLE =
      define(
          text(
              "questdb.table",
              "sensor_readings",
              "Table of the readings, created at start if missing (a WAL table with DEDUP UPSERT KEYS)."));
  public static final JobOption<Integer> QUESTDB_BATCH_ROWS =
      define(
          wholeNumber(
                  "questdb.batch-rows",
                  50_000,
                  "Rows a QuestDB writer buffers before it sends them; its native buffer grows to the "
                      + "largest batch.")
              .atLeast(1));
  public static final JobOption<Duration> QUESTDB_FLUSH_INTERVAL =
      define(
          duration(
                  "questdb.flush-interval",
                  Duration.ofMillis(250),
                  "Longest time a reading waits in its writer before it is sent; every checkpoint flushes "
                      + "too.")
              .positive());
  public static final JobOption<Duration> QUESTDB_RETRY_TIMEOUT =
      define(
          duration(
              "questdb.retry-timeout",
              Duration.ofMinutes(5),
              "How long a writer retries an unreachable QuestDB before the job fails and restarts; "
                  + "refused credentials fail at once."));
  public static final JobOption<Integer> QUESTDB_WRITERS =
      define(
          wholeNumber(
                  "questdb.writers",
                  0,
                  "Subtasks of the QuestDB sink; 0 for the job's parallelism, more than it counts as the "
                      + "parallelism.")
              .atLeast(0));
  public static final JobOption<String> QUESTDB_USERNAME =
      define(
          optionalText("questdb.username", "User for HTTP basic authentication; empty for none.")
              .fromEnvironment("TELEMETRY_QUESTDB_USERNAME"));
  public static final JobOption<String> QUESTDB_PASSWORD =
      define(
          optionalText("questdb.password", "Password of questdb.username. Secret: never printed.")
              .fromEnvironment("TELEMETRY_QUESTDB_PASSWORD"));
  public static final JobOption<String> QUESTDB_TOKEN =
      define(
          optionalText(
                  "questdb.token",
                  "Bearer token (QuestDB Enterprise), sent instead of a user and password "
                      + "when set. Secret: never printed.")
              .fromEnvironment("TELEMETRY_QUESTDB_TOKEN"));

  // --- Validation and dedup ------------------------------------------------------------------

  public static final JobOption<Duration> VALIDATION_MAX_EVENT_AGE =
      define(
          duration(
                  "validation.max-event-age",
                  Duration.ofHours(24),
                  "Oldest event time accepted, before the time of processing; older events are dead "
                      + "letters.")
              .positive());
  public static final JobOption<Duration> VALIDATION_MAX_FUTURE_SKEW =
      define(
          duration(
              "validation.max-future-skew",
              Duration.ofHours(1),
              "How far ahead of the time of processing an event time may be."));
  public static final JobOption<Duration> DEDUP_WINDOW =
      define(
          duration(
                  "dedup.window",
                  Duration.ofSeconds(60),
                  "How long a sensor's last readings are remembered to drop repeats and near-identical "
                      + "readings.")
              .positive());
  public static final JobOption<Boolean> DEDUP_DEADBAND =
      define(
          flag(
              "dedup.deadband",
              true,
              "Drop readings within the tolerances of the sensor's last emitted value (same quality "
                  + "flag, within the window); false drops exact repeats only."));
  public static final JobOption<Double> DEDUP_RELATIVE_TOLERANCE =
      define(
          number(
              "dedup.relative-tolerance",
              0.01,
              "Deadband: relative difference to the last emitted "
                  + "value that still counts as the same reading."));
  public static final JobOption<Double> DEDUP_ABSOLUTE_TOLERANCE =
      define(
          number(
              "dedup.absolute-tolerance",
              0.001,
              "Deadband: absolute difference that still counts as "
                  + "the same reading (for values near zero)."));
  public static final JobOption<Duration> DEDUP_STATE_TTL =
      define(
          duration(
                  "dedup.state-ttl",
                  Duration.ofHours(1),
                  "Time to live of a sensor's dedup state, the backstop when event time stops advancing; "
                      + "longer than dedup.window.")
              .positive());
  public static final JobOption<Integer> DEDUP_CACHE_SENSORS =
      define(
          wholeNumber(
                  "dedup.cache-sensors",
                  0,
                  "Sensors' histories each dedup subtask keeps on the heap and writes to the state backend "
                      + "once per checkpoint (for RocksDB); 0 reads and writes the state on every "
                      + "reading.")
              .atLeast(0));
  public static final JobOption<Duration> WATERMARK_OUT_OF_ORDERNESS =
      define(
          duration(
              "watermark.out-of-orderness",
              Duration.ofSeconds(5),
              "How far behind the newest event time a reading may arrive and still be in order."));
  public static final JobOption<Duration> WATERMARK_IDLENESS =
      define(
          duration(
                  "watermark.idleness",
                  Duration.ofSeconds(30),
                  "After this long without events a source split stops holding the watermark back.")
              .positive());
  public static final JobOption<Duration> WATERMARK_ALIGNMENT_MAX_DRIFT =
      define(
          duration(
                  "watermark.alignment-max-drift",
                  Duration.ofMinutes(1),
                  "How far a split's watermark may run ahead of the slowest before it is paused.")
              .positive());

  // --- Runtime -------------------------------------------------------------------------------

  public static final JobOption<Integer> PARALLELISM =
      define(
          wholeNumber(
                  "parallelism",
                  8,
                  "Parallelism of the job. On a cluster, when not given, flink run -p or "
                      + "the cluster's default decides.")
              .atLeast(1)
              .fromEnvironment("FLINK_PARALLELISM"));
  public static final JobOption<Integer> MAX_PARALLELISM =
      define(
          wholeNumber(
                  "max-parallelism",
                  1024,
                  "Key groups of the keyed state: the highest parallelism the "
                      + "state can be rescaled to. Changing it loses the state.")
              .atLeast(1));
  public static final JobOption<String> STATE_BACKEND =
      define(
          choice(
                  "state.backend",
                  "rocksdb",
                  "rocksdb: state on local disk, incremental checkpoints; hashmap: state on the heap, full "
                      + "checkpoints. Moving between them needs a savepoint.",
                  "rocksdb",
                  "hashmap")
              .fromEnvironment("STATE_BACKEND"));
  public static final JobOption<Duration> CHECKPOINT_INTERVAL =
      define(
          duration(
                  "checkpoint.interval",
                  Duration.ofSeconds(30),
                  "How often a checkpoint starts; exactly-once output becomes visible at each one.")
              .positive()
              .fromEnvironment("CHECKPOINT_INTERVAL_MS"));
  public static final JobOption<String> CHECKPOINT_DIR =
      define(
          text(
                  "checkpoint.dir",
                  "file:///tmp/flink-checkpoints",
                  "Where checkpoints (and the service's savepoints) are kept; shared storage on a cluster.")
              .fromEnvironment("CHECKPOINT_DIR"));
  public static final JobOption<Duration> CHECKPOINT_TIMEOUT =
      define(
          duration(
                  "checkpoint.timeout",
                  Duration.ofMinutes(10),
                  "A checkpoint not complete after this long fails.")
              .positive());
  public static final JobOption<Duration> CHECKPOINT_MIN_PAUSE =
      define(
          durationOr(
              "checkpoint.min-pause",
              "auto",
              "Least time between the end of a checkpoint and the start of the next; auto: 10s, but at "
                  + "most a third of checkpoint.interval, so that the interval holds."));
  public static final JobOption<Integer> CHECKPOINT_MAX_CONCURRENT =
      define(
          wholeNumber(
                  "checkpoint.max-concurrent", 2, "Checkpoints that may be in progress at once.")
              .atLeast(1));
  public static final JobOption<Integer> CHECKPOINT_TOLERABLE_FAILURES =
      define(
          wholeNumber(
                  "checkpoint.tolerable-failures",
                  3,
                  "Consecutive failed checkpoints tolerated before the job restarts.")
              .atLeast(0));
  public static final JobOption<Integer> RESTART_ATTEMPTS =
      define(
          wholeNumber(
                  "restart.attempts", 10, "Restarts after failures before the job fails for good.")
              .atLeast(0));
  public static final JobOption<Duration> RESTART_DELAY =
      define(duration("restart.delay", Duration.ofSeconds(30), "Pause before each restart."));
  public static final JobOption<Duration> BUFFER_TIMEOUT =
      define(
          duration(
              "buffer-timeout",
              Duration.ofMillis(100),
              "Longest time a network buffer waits to fill before it is sent downstream."));

  /** The prefix of Kafka client properties: {@code kafka.property.X=Y} gives every client X=Y. */
  public static final String KAFKA_PROPERTY_PREFIX = "kafka.property.";

  /** The prefix of sensor ranges: {@code validation.range.TYPE=MIN..MAX}. */
  public static final String RANGE_PREFIX = "validation.range.";

  private JobOptionDefinitions() {}

  private static <T> JobOption<T> define(JobOption<T> option) {
    if (BY_KEY.putIfAbsent(option.key(), option) != null) {
      throw new IllegalStateException("option " + option.key() + " defined twice");
    }
    return option;
  }

  /** Every option, in the order of the reference. */
  public static Collection<JobOption<?>> all() {
    return Collections.unmodifiableCollection(BY_KEY.values());
  }

  /** The option named {@code key}, or null. */
  public static JobOption<?> named(String key) {
    return BY_KEY.get(key);
  }
}
