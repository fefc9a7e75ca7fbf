package com.dcmms.telemetry.job;

import static com.dcmms.telemetry.job.JobOptionDefinitions.BUFFER_TIMEOUT;
import static com.dcmms.telemetry.job.JobOptionDefinitions.CHECKPOINT_DIR;
import static com.dcmms.telemetry.job.JobOptionDefinitions.CHECKPOINT_INTERVAL;
import static com.dcmms.telemetry.job.JobOptionDefinitions.CHECKPOINT_MAX_CONCURRENT;
import static com.dcmms.telemetry.job.JobOptionDefinitions.CHECKPOINT_MIN_PAUSE;
import static com.dcmms.telemetry.job.JobOptionDefinitions.CHECKPOINT_TIMEOUT;
import static com.dcmms.telemetry.job.JobOptionDefinitions.CHECKPOINT_TOLERABLE_FAILURES;
import static com.dcmms.telemetry.job.JobOptionDefinitions.DEDUP_ABSOLUTE_TOLERANCE;
import static com.dcmms.telemetry.job.JobOptionDefinitions.DEDUP_CACHE_SENSORS;
import static com.dcmms.telemetry.job.JobOptionDefinitions.DEDUP_DEADBAND;
import static com.dcmms.telemetry.job.JobOptionDefinitions.DEDUP_RELATIVE_TOLERANCE;
import static com.dcmms.telemetry.job.JobOptionDefinitions.DEDUP_STATE_TTL;
import static com.dcmms.telemetry.job.JobOptionDefinitions.DEDUP_WINDOW;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_BOOTSTRAP_SERVERS;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_DEAD_LETTER_TOPIC;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_DEAD_LETTER_WRITERS;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_DELIVERY_GUARANTEE;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_GROUP_ID;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_OFFSET_RESET;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_RAW_TOPIC;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_TRANSACTIONAL_ID_PREFIX;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_TRANSACTION_TIMEOUT;
import static com.dcmms.telemetry.job.JobOptionDefinitions.KAFKA_VALIDATED_TOPIC;
import static com.dcmms.telemetry.job.JobOptionDefinitions.MAX_PARALLELISM;
import static com.dcmms.telemetry.job.JobOptionDefinitions.PARALLELISM;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_BATCH_ROWS;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_FLUSH_INTERVAL;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_HOST;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_HTTP_PORT;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_PASSWORD;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_RETRY_TIMEOUT;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_TABLE;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_TOKEN;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_USERNAME;
import static com.dcmms.telemetry.job.JobOptionDefinitions.QUESTDB_WRITERS;
import static com.dcmms.telemetry.job.JobOptionDefinitions.RESTART_ATTEMPTS;
import static com.dcmms.telemetry.job.JobOptionDefinitions.RESTART_DELAY;
import static com.dcmms.telemetry.job.JobOptionDefinitions.STATE_BACKEND;
import static com.dcmms.telemetry.job.JobOptionDefinitions.VALIDATION_MAX_EVENT_AGE;
import static com.dcmms.telemetry.job.JobOptionDefinitions.VALIDATION_MAX_FUTURE_SKEW;
import static com.dcmms.telemetry.job.JobOptionDefinitions.WATERMARK_ALIGNMENT_MAX_DRIFT;
import static com.dcmms.telemetry.job.JobOptionDefinitions.WATERMARK_IDLENESS;
import static com.dcmms.telemetry.job.JobOptionDefinitions.WATERMARK_OUT_OF_ORDERNESS;
import static com.dcmms.telemetry.job.JobOptionDefinitions.all;
import static com.dcmms.telemetry.job.JobOptionDefinitions.named;

import com.dcmms.telemetry.job.rules.SensorTypes;
import com.dcmms.telemetry.job.rules.ValueRange;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The values of the job's options ({@link JobOptionDefinitions}), parsed and validated once,
 * immutable. Both runtimes build it from the same keys: the service from {@code telemetry.<key>},
 * the cluster entry point from {@code --<key> value} arguments; both also read each option's
 * environment variable. {@code docs/configuration.md} lists every key with its default.
 */
public final class TelemetryJobOptions implements Serializable {
  private static final long serialVersionUID = 2L;
  public static final String KAFKA_PROPERTY_PREFIX = JobOptionDefinitions.KAFKA_PROPERTY_PREFIX;
  public static final String RANGE_PREFIX = JobOptionDefinitions.RANGE_PREFIX;
  private static final Duration DESIGN_MIN_PAUSE = Duration.ofSeconds(10);

  /** Every key's value as it would be written (given or default), and the prefix families. */
  private final Map<String, String> text;

  /** Every defined option's parsed value; null where the option has none (min-pause auto). */
  private final Map<String, Object> values;

  private final Map<String, String> kafkaProperties;
  private final Map<String, ValueRange> sensorRanges;

  private TelemetryJobOptions(
      Map<String, String> text,
      Map<String, Object> values,
      Map<String, String> kafkaProperties,
      Map<String, ValueRange> sensorRanges) {
    this.text = Collections.unmodifiableMap(text);
    this.values = Collections.unmodifiableMap(values);
    this.kafkaProperties = Collections.unmodifiableMap(kafkaProperties);
    this.sensorRanges = Collections.unmodifiableMap(sensorRanges);
  }

  /** The defaults of the design. */
  public static TelemetryJobOptions defaults() {
    return fromMap(Map.of());
  }

  /**
   * Options from keys, validated as a whole: every bad value is reported at once, each naming its
   * key. Unknown keys are refused so that a typo never silently falls back to a default.
   */
  public static TelemetryJobOptions fromMap(Map<String, String> given) {
    for (Map.Entry<String, String> e : given.entrySet()) {
      String key = e.getKey();
      if (named(key) == null
          && !key.startsWith(KAFKA_PROPERTY_PREFIX)
          && !key.startsWith(RANGE_PREFIX)) {
        throw new IllegalArgumentException(
            "unknown telemetry option '"
                + key
                + "'; known: "
                + String.join(", ", knownKeys())
                + ", "
                + KAFKA_PROPERTY_PREFIX
                + "*, "
                + RANGE_PREFIX
                + "<SENSOR_TYPE>");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("telemetry option '" + key + "' has no value");
      }
    }
    List<String> problems = new ArrayList<>();
    Map<String, String> text = new TreeMap<>();
    Map<String, Object> values = new HashMap<>();
    for (JobOption<?> option : all()) {
      String value = given.get(option.key());
      try {
        text.put(option.key(), read(option, value, values));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    Map<String, String> kafka = new TreeMap<>();
    Map<String, ValueRange> ranges = SensorTypes.defaultRanges();
    given.forEach(
        (key, value) -> {
          if (key.startsWith(KAFKA_PROPERTY_PREFIX)) {
            kafka.put(key.substring(KAFKA_PROPERTY_PREFIX.length()), value.trim());
            text.put(key, value.trim());
          } else if (key.startsWith(RANGE_PREFIX)) {
            try {
              ranges.put(key.substring(RANGE_PREFIX.length()), ValueRange.parse(value));
              text.put(key, value.trim());
            } catch (IllegalArgumentException e) {
              problems.add("telemetry option '" + key + "': " + e.getMessage());
            }
          }
        });
    if (problems.isEmpty()) {
      problems.addAll(acrossOptions(values, given));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new TelemetryJobOptions(text, values, kafka, new LinkedHashMap<>(ranges));
  }

  /** Parses one option's text (or takes its default) into {@code values}; returns its text. */
  private static <T> String read(JobOption<T> option, String given, Map<String, Object> values) {
    T value = given == null ? option.defaultValue() : option.parse(given);
    values.put(option.key(), value);
    return option.format(value);
  }

  /** The rules that tie options together. */
  private static List<String> acrossOptions(Map<String, Object> v, Map<String, String> given) {
    List<String> problems = new ArrayList<>();
    int parallelism = (Integer) v.get(PARALLELISM.key());
    int maxParallelism = (Integer) v.get(MAX_PARALLELISM.key());
    if (parallelism > maxParallelism) {
      problems.add("parallelism " + parallelism + " is above max-parallelism " + maxParallelism);
    }
    Duration ttl = (Duration) v.get(DEDUP_STATE_TTL.key());
    if (ttl.compareTo((Duration) v.get(DEDUP_WINDOW.key())) <= 0) {
      problems.add(
          JobOption.invalid(
                  DEDUP_STATE_TTL.key(),
                  "a duration longer than dedup.window",
                  given.getOrDefault(DEDUP_STATE_TTL.key(), DEDUP_STATE_TTL.format(ttl)))
              .getMessage());
    }
    return problems;
  }

  /** A copy with some keys changed. */
  public TelemetryJobOptions with(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(text);
    merged.putAll(overrides);
    return fromMap(merged);
  }

  public TelemetryJobOptions with(String key, String value) {
    return with(Map.of(key, value));
  }

  /**
   * Every key with its value as it would be written, defaults included (secrets too: do not log
   * this map). {@code fromMap(asMap())} gives equal options.
   */
  public Map<String, String> asMap() {
    return text;
  }

  /** Every defined key (not the open-ended kafka.property.* and validation.range.*). */
  public static Set<String> knownKeys() {
    Set<String> keys = new LinkedHashSet<>();
    all().forEach(o -> keys.add(o.key()));
    return Collections.unmodifiableSet(keys);
  }

  /** The value of {@code option}. */
  @SuppressWarnings("unchecked")
  public <T> T get(JobOption<T> option) {
    return (T) values.get(option.key());
  }

  // --- Kafka -------------------------------------------------------------------------------

  public String kafkaBootstrapServers() {
    return get(KAFKA_BOOTSTRAP_SERVERS);
  }

  public String rawTopic() {
    return get(KAFKA_RAW_TOPIC);
  }

  public String validatedTopic() {
    return get(KAFKA_VALIDATED_TOPIC);
  }

  public String deadLetterTopic() {
    return get(KAFKA_DEAD_LETTER_TOPIC);
  }

  public String groupId() {
    return get(KAFKA_GROUP_ID);
  }

  /** "earliest" or "latest": where a group without committed offsets starts. */
  public String offsetReset() {
    return get(KAFKA_OFFSET_RESET);
  }

  public DeliveryGuarantee deliveryGuarantee() {
    return get(KAFKA_DELIVERY_GUARANTEE).equals("exactly-once")
        ? DeliveryGuarantee.EXACTLY_ONCE
        : DeliveryGuarantee.AT_LEAST_ONCE;
  }

  public String transactionalIdPrefix() {
    return get(KAFKA_TRANSACTIONAL_ID_PREFIX);
  }

  public Duration transactionTimeout() {
    return get(KAFKA_TRANSACTION_TIMEOUT);
  }

  /** Extra Kafka client properties (kafka.property.X=Y gives X=Y), for every client. */
  public Map<String, String> kafkaProperties() {
    return kafkaProperties;
  }

  /** Subtasks of the dead-letter sink, each a transactional producer; 0 for the parallelism. */
  public int deadLetterWriters() {
    return get(KAFKA_DEAD_LETTER_WRITERS);
  }

  // --- QuestDB -----------------------------------------------------------------------------

  public String questDbHost() {
    return get(QUESTDB_HOST);
  }

  public int questDbHttpPort() {
    return get(QUESTDB_HTTP_PORT);
  }

  public String questDbTable() {
    return get(QUESTDB_TABLE);
  }

  public int questDbBatchRows() {
    return get(QUESTDB_BATCH_ROWS);
  }

  public Duration questDbFlushInterval() {
    return get(QUESTDB_FLUSH_INTERVAL);
  }

  public Duration questDbRetryTimeout() {
    return get(QUESTDB_RETRY_TIMEOUT);
  }

  /**
   * QuestDB sink subtasks: 0 for as many as the job's parallelism, else that many (at most the
   * parallelism). Each writer commits its own batches, and batches of many writers overlap in time,
   * which QuestDB merges out of order.
   */
  public int questDbWriters() {
    return get(QUESTDB_WRITERS);
  }

  public String questDbUsername() {
    return get(QUESTDB_USERNAME);
  }

  public String questDbPassword() {
    return get(QUESTDB_PASSWORD);
  }

  public String questDbToken() {
    return get(QUESTDB_TOKEN);
  }

  // --- Validation and dedup ----------------------------------------------------------------

  public Duration maxEventAge() {
    return get(VALIDATION_MAX_EVENT_AGE);
  }

  public Duration maxFutureSkew() {
    return get(VALIDATION_MAX_FUTURE_SKEW);
  }

  /** Ranges per sensor type: the design's defaults with validation.range.TYPE overrides. */
  public Map<String, ValueRange> sensorRanges() {
    return new LinkedHashMap<>(sensorRanges);
  }

  public Duration dedupWindow() {
    return get(DEDUP_WINDOW);
  }

  public boolean dedupDeadband() {
    return get(DEDUP_DEADBAND);
  }

  public double dedupRelativeTolerance() {
    return get(DEDUP_RELATIVE_TOLERANCE);
  }

  public double dedupAbsoluteTolerance() {
    return get(DEDUP_ABSOLUTE_TOLERANCE);
  }

  public Duration dedupStateTtl() {
    return get(DEDUP_STATE_TTL);
  }

  public int dedupCacheSensors() {
    return get(DEDUP_CACHE_SENSORS);
  }

  public Duration outOfOrderness() {
    return get(WATERMARK_OUT_OF_ORDERNESS);
  }

  public Duration idleness() {
    return get(WATERMARK_IDLENESS);
  }

  public Duration alignmentMaxDrift() {
    return get(WATERMARK_ALIGNMENT_MAX_DRIFT);
  }

  // --- Runtime -----------------------------------------------------------------------------

  public int parallelism() {
    return get(PARALLELISM);
  }

  public int maxParallelism() {
    return get(MAX_PARALLELISM);
  }

  /**
   * "rocksdb" (state on local disk, incremental checkpoints: the cluster's choice) or "hashmap"
   * (state on the heap: no serialization per reading, the embedded service's choice).
   */
  public String stateBackend() {
    return get(STATE_BACKEND);
  }

  public Duration checkpointInterval() {
    return get(CHECKPOINT_INTERVAL);
  }

  public String checkpointDir() {
    return get(CHECKPOINT_DIR);
  }

  public Duration checkpointTimeout() {
    return get(CHECKPOINT_TIMEOUT);
  }

  /**
   * The design's 10 s, but by default never more than a third of the interval: a pause as long as
   * the interval itself would stretch "every 10 s" to every 10 s plus a checkpoint's duration, and
   * with it the read-committed latency. A duration given explicitly is used as it is.
   */
  public Duration checkpointMinPause() {
    Duration given = get(CHECKPOINT_MIN_PAUSE);
    if (given != null) {
      return given;
    }
    Duration third = Duration.ofMillis(checkpointInterval().toMillis() / 3);
    return third.compareTo(DESIGN_MIN_PAUSE) < 0 ? third : DESIGN_MIN_PAUSE;
  }

  public int checkpointMaxConcurrent() {
    return get(CHECKPOINT_MAX_CONCURRENT);
  }

  public int checkpointTolerableFailures() {
    return get(CHECKPOINT_TOLERABLE_FAILURES);
  }

  public int restartAttempts() {
    return get(RESTART_ATTEMPTS);
  }

  public Duration restartDelay() {
    return get(RESTART_DELAY);
  }

  public Duration bufferTimeout() {
    return get(BUFFER_TIMEOUT);
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    text.forEach((k, v) -> shown.put(k, isSecret(k) && !v.isEmpty() ? "****" : v));
    return "TelemetryJobOptions" + shown;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TelemetryJobOptions other && text.equals(other.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** Keys whose values must never be printed. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("token")
        || k.contains("secret")
        || k.contains("jaas")
        || k.endsWith(".key");
  }
}
