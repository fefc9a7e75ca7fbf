package com.dcmms.telemetry.job;

import com.dcmms.telemetry.job.rules.SensorTypes;
import com.dcmms.telemetry.job.rules.ValueRange;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Every option of the telemetry job, immutable, with the design's defaults. Both runtimes build
 * it from the same keys: the service from {@code telemetry.<key>}, the cluster entry point from
 * {@code --<key> value} arguments. Durations take Flink's syntax ({@code 30 s}, {@code 100ms},
 * {@code 10min}; a bare number is milliseconds).
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>kafka.bootstrap-servers</td><td>localhost:9092</td></tr>
 *   <tr><td>kafka.raw-topic / validated-topic / dead-letter-topic</td>
 *       <td>raw_telemetry / validated_telemetry / telemetry_dlq</td></tr>
 *   <tr><td>kafka.group-id</td><td>flink-telemetry-processor</td></tr>
 *   <tr><td>kafka.offset-reset</td><td>earliest (when the group has no committed offset)</td></tr>
 *   <tr><td>kafka.delivery-guarantee</td><td>exactly-once | at-least-once</td></tr>
 *   <tr><td>kafka.transactional-id-prefix</td><td>telemetry</td></tr>
 *   <tr><td>kafka.transaction-timeout</td><td>15 min (at most the broker's max)</td></tr>
 *   <tr><td>kafka.dead-letter-writers</td><td>0: as many as the job's parallelism; the
 *       embedded service sets 1</td></tr>
 *   <tr><td>kafka.property.*</td><td>passed to every Kafka client (security, SASL, TLS…)</td></tr>
 *   <tr><td>questdb.host / http-port / pg-port</td><td>localhost / 9000 / 8812</td></tr>
 *   <tr><td>questdb.table</td><td>sensor_readings</td></tr>
 *   <tr><td>questdb.batch-rows / flush-interval</td><td>50000 / 250 ms</td></tr>
 *   <tr><td>questdb.retry-timeout</td><td>5 min of retries before the job restarts</td></tr>
 *   <tr><td>questdb.writers</td><td>0: as many as the job's parallelism</td></tr>
 *   <tr><td>questdb.username / password / token</td><td>none</td></tr>
 *   <tr><td>validation.max-event-age / max-future-skew</td><td>24 h / 1 h</td></tr>
 *   <tr><td>validation.range.&lt;TYPE&gt;</td><td>MIN..MAX, defaults from the design</td></tr>
 *   <tr><td>dedup.window / deadband / relative-tolerance / absolute-tolerance</td>
 *       <td>60 s / true / 0.01 / 0.001</td></tr>
 *   <tr><td>dedup.state-ttl</td><td>1 h, the backstop when event time stops advancing</td></tr>
 *   <tr><td>dedup.cache-sensors</td><td>0: the state is read and written on every reading; N
 *       keeps up to N histories per subtask on the heap, written once per checkpoint</td></tr>
 *   <tr><td>watermark.out-of-orderness / idleness / alignment-max-drift</td>
 *       <td>5 s / 30 s / 1 min</td></tr>
 *   <tr><td>parallelism / max-parallelism</td><td>8 / 1024</td></tr>
 *   <tr><td>state.backend</td><td>rocksdb (incremental checkpoints) | hashmap (state on the heap,
 *       full checkpoints); the embedded service sets hashmap</td></tr>
 *   <tr><td>checkpoint.interval / dir / timeout / min-pause / max-concurrent /
 *       tolerable-failures</td><td>30 s / file:///tmp/flink-checkpoints / 10 min / auto (10 s,
 *       at most a third of the interval) / 2 / 3</td></tr>
 *   <tr><td>restart.attempts / restart.delay</td><td>10 / 30 s</td></tr>
 *   <tr><td>buffer-timeout</td><td>100 ms</td></tr>
 * </table>
 */
public final class TelemetryJobOptions implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String KAFKA_PROPERTY_PREFIX = "kafka.property.";
  public static final String RANGE_PREFIX = "validation.range.";

  private final Map<String, String> values;
  private final OptionValues parsed;

  private TelemetryJobOptions(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
    this.parsed = new OptionValues(this.values);
  }

  /** The defaults of the design. */
  public static TelemetryJobOptions defaults() {
    return fromMap(Map.of());
  }

  /**
   * Options from keys; unknown keys are refused so that a typo never silently falls back to a
   * default.
   */
  public static TelemetryJobOptions fromMap(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey();
      if (!DEFAULTS.containsKey(key) && !key.startsWith(KAFKA_PROPERTY_PREFIX)
          && !key.startsWith(RANGE_PREFIX)) {
        throw new IllegalArgumentException("unknown telemetry option '" + key + "'; known: "
            + String.join(", ", DEFAULTS.keySet()) + ", " + KAFKA_PROPERTY_PREFIX + "*, "
            + RANGE_PREFIX + "<SENSOR_TYPE>");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("telemetry option '" + key + "' has no value");
      }
      merged.put(key, e.getValue().trim());
    }
    TelemetryJobOptions options = new TelemetryJobOptions(merged);
    options.validate();
    return options;
  }

  /** A copy with some keys changed. */
  public TelemetryJobOptions with(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(values);
    merged.putAll(overrides);
    return fromMap(merged);
  }

  public TelemetryJobOptions with(String key, String value) {
    return with(Map.of(key, value));
  }

  /** All keys and values, as given (secrets included: do not log this map). */
  public Map<String, String> asMap() {
    return values;
  }

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
  private static final String MIN_PAUSE_AUTO = "auto";
  private static final Duration DESIGN_MIN_PAUSE = Duration.ofSeconds(10);

  static {
    DEFAULTS.put("kafka.bootstrap-servers", "localhost:9092");
    DEFAULTS.put("kafka.raw-topic", "raw_telemetry");
    DEFAULTS.put("kafka.validated-topic", "validated_telemetry");
    DEFAULTS.put("kafka.dead-letter-topic", "telemetry_dlq");
    DEFAULTS.put("kafka.group-id", "flink-telemetry-processor");
    DEFAULTS.put("kafka.offset-reset", "earliest");
    DEFAULTS.put("kafka.delivery-guarantee", "exactly-once");
    DEFAULTS.put("kafka.transactional-id-prefix", "telemetry");
    DEFAULTS.put("kafka.transaction-timeout", "15 min");
    DEFAULTS.put("kafka.dead-letter-writers", "0");
    DEFAULTS.put("questdb.host", "localhost");
    DEFAULTS.put("questdb.http-port", "9000");
    DEFAULTS.put("questdb.pg-port", "8812");
    DEFAULTS.put("questdb.table", "sensor_readings");
    DEFAULTS.put("questdb.batch-rows", "50000");
    DEFAULTS.put("questdb.flush-interval", "250 ms");
    DEFAULTS.put("questdb.retry-timeout", "5 min");
    DEFAULTS.put("questdb.writers", "0");
    DEFAULTS.put("questdb.username", "");
    DEFAULTS.put("questdb.password", "");
    DEFAULTS.put("questdb.token", "");
    DEFAULTS.put("validation.max-event-age", "24 h");
    DEFAULTS.put("validation.max-future-skew", "1 h");
    DEFAULTS.put("dedup.window", "60 s");
    DEFAULTS.put("dedup.deadband", "true");
    DEFAULTS.put("dedup.relative-tolerance", "0.01");
    DEFAULTS.put("dedup.absolute-tolerance", "0.001");
    DEFAULTS.put("dedup.state-ttl", "1 h");
    DEFAULTS.put("dedup.cache-sensors", "0");
    DEFAULTS.put("watermark.out-of-orderness", "5 s");
    DEFAULTS.put("watermark.idleness", "30 s");
    DEFAULTS.put("watermark.alignment-max-drift", "1 min");
    DEFAULTS.put("parallelism", "8");
    DEFAULTS.put("max-parallelism", "1024");
    DEFAULTS.put("state.backend", "rocksdb");
    DEFAULTS.put("checkpoint.interval", "30 s");
    DEFAULTS.put("checkpoint.dir", "file:///tmp/flink-checkpoints");
    DEFAULTS.put("checkpoint.timeout", "10 min");
    DEFAULTS.put("checkpoint.min-pause", MIN_PAUSE_AUTO);
    DEFAULTS.put("checkpoint.max-concurrent", "2");
    DEFAULTS.put("checkpoint.tolerable-failures", "3");
    DEFAULTS.put("restart.attempts", "10");
    DEFAULTS.put("restart.delay", "30 s");
    DEFAULTS.put("buffer-timeout", "100 ms");
  }

  /** Every key that has a default (not the open-ended kafka.property.* and validation.range.*). */
  public static Set<String> knownKeys() {
    return Collections.unmodifiableSet(DEFAULTS.keySet());
  }

  private void validate() {
    // Touch every typed getter once so that a bad value fails at start, naming its key.
    kafkaBootstrapServers();
    offsetReset();
    deliveryGuarantee();
    transactionTimeout();
    questDbHttpPort();
    questDbPgPort();
    questDbBatchRows();
    questDbFlushInterval();
    questDbRetryTimeout();
    questDbWriters();
    deadLetterWriters();
    maxEventAge();
    maxFutureSkew();
    sensorRanges();
    dedupWindow();
    dedupDeadband();
    dedupRelativeTolerance();
    dedupAbsoluteTolerance();
    dedupStateTtl();
    dedupCacheSensors();
    outOfOrderness();
    idleness();
    alignmentMaxDrift();
    if (parallelism() > maxParallelism()) {
      throw new IllegalArgumentException("parallelism " + parallelism()
          + " is above max-parallelism " + maxParallelism());
    }
    stateBackend();
    checkpointInterval();
    checkpointTimeout();
    checkpointMinPause();
    checkpointMaxConcurrent();
    checkpointTolerableFailures();
    restartAttempts();
    restartDelay();
    bufferTimeout();
  }

  // --- Kafka -------------------------------------------------------------------------------

  public String kafkaBootstrapServers() {
    return parsed.text("kafka.bootstrap-servers");
  }

  public String rawTopic() {
    return parsed.text("kafka.raw-topic");
  }

  public String validatedTopic() {
    return parsed.text("kafka.validated-topic");
  }

  public String deadLetterTopic() {
    return parsed.text("kafka.dead-letter-topic");
  }

  public String groupId() {
    return parsed.text("kafka.group-id");
  }

  /** "earliest" or "latest": where a group without committed offsets starts. */
  public String offsetReset() {
    String v = parsed.text("kafka.offset-reset").toLowerCase(Locale.ROOT);
    if (!v.equals("earliest") && !v.equals("latest")) {
      throw parsed.invalid("kafka.offset-reset", "earliest or latest");
    }
    return v;
  }

  public DeliveryGuarantee deliveryGuarantee() {
    return switch (parsed.text("kafka.delivery-guarantee").toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
      case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
      default -> throw parsed.invalid("kafka.delivery-guarantee", "exactly-once or at-least-once");
    };
  }

  public String transactionalIdPrefix() {
    return parsed.text("kafka.transactional-id-prefix");
  }

  public Duration transactionTimeout() {
    return parsed.duration("kafka.transaction-timeout");
  }

  /** Extra Kafka client properties (kafka.property.X=Y gives X=Y), for every client. */
  public Map<String, String> kafkaProperties() {
    Map<String, String> props = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(KAFKA_PROPERTY_PREFIX)) {
        props.put(k.substring(KAFKA_PROPERTY_PREFIX.length()), v);
      }
    });
    return props;
  }

  // --- QuestDB -----------------------------------------------------------------------------

  public String questDbHost() {
    return parsed.text("questdb.host");
  }

  public int questDbHttpPort() {
    return parsed.port("questdb.http-port");
  }

  public int questDbPgPort() {
    return parsed.port("questdb.pg-port");
  }

  public String questDbTable() {
    return parsed.text("questdb.table");
  }

  public int questDbBatchRows() {
    return parsed.positiveInt("questdb.batch-rows");
  }

  public Duration questDbFlushInterval() {
    return parsed.positive("questdb.flush-interval");
  }

  public Duration questDbRetryTimeout() {
    return parsed.duration("questdb.retry-timeout");
  }

  /**
   * QuestDB sink subtasks: 0 for as many as the job's parallelism, else that many (at most the
   * parallelism). Each writer commits its own batches, and batches of many writers overlap in
   * time, which QuestDB merges out of order.
   */
  /** Subtasks of the dead-letter sink, each with a transactional producer; 0 for the job's parallelism. */
  public int deadLetterWriters() {
    return parsed.nonNegativeInt("kafka.dead-letter-writers");
  }

  public int questDbWriters() {
    return parsed.nonNegativeInt("questdb.writers");
  }

  public String questDbUsername() {
    return values.get("questdb.username");
  }

  public String questDbPassword() {
    return values.get("questdb.password");
  }

  public String questDbToken() {
    return values.get("questdb.token");
  }

  // --- Validation and dedup ----------------------------------------------------------------

  public Duration maxEventAge() {
    return parsed.positive("validation.max-event-age");
  }

  public Duration maxFutureSkew() {
    return parsed.duration("validation.max-future-skew");
  }

  /** Ranges per sensor type: the design's defaults with validation.range.TYPE overrides. */
  public Map<String, ValueRange> sensorRanges() {
    Map<String, ValueRange> ranges = SensorTypes.defaultRanges();
    values.forEach((k, v) -> {
      if (k.startsWith(RANGE_PREFIX)) {
        String type = k.substring(RANGE_PREFIX.length());
        try {
          ranges.put(type, ValueRange.parse(v));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("telemetry option '" + k + "': " + e.getMessage());
        }
      }
    });
    return ranges;
  }

  public Duration dedupWindow() {
    return parsed.positive("dedup.window");
  }

  public boolean dedupDeadband() {
    return parsed.bool("dedup.deadband");
  }

  public double dedupRelativeTolerance() {
    return parsed.nonNegativeDouble("dedup.relative-tolerance");
  }

  public double dedupAbsoluteTolerance() {
    return parsed.nonNegativeDouble("dedup.absolute-tolerance");
  }

  public Duration dedupStateTtl() {
    Duration ttl = parsed.positive("dedup.state-ttl");
    if (ttl.compareTo(dedupWindow()) <= 0) {
      throw parsed.invalid("dedup.state-ttl", "a duration longer than dedup.window");
    }
    return ttl;
  }

  public int dedupCacheSensors() {
    return parsed.nonNegativeInt("dedup.cache-sensors");
  }

  public Duration outOfOrderness() {
    return parsed.duration("watermark.out-of-orderness");
  }

  public Duration idleness() {
    return parsed.positive("watermark.idleness");
  }

  public Duration alignmentMaxDrift() {
    return parsed.positive("watermark.alignment-max-drift");
  }

  // --- Runtime -----------------------------------------------------------------------------

  public int parallelism() {
    return parsed.positiveInt("parallelism");
  }

  public int maxParallelism() {
    return parsed.positiveInt("max-parallelism");
  }

  /**
   * "rocksdb" (state on local disk, incremental checkpoints: the cluster's choice) or "hashmap"
   * (state on the heap: no serialization per reading, the embedded service's choice).
   */
  public String stateBackend() {
    String v = parsed.text("state.backend").toLowerCase(Locale.ROOT);
    if (!v.equals("rocksdb") && !v.equals("hashmap")) {
      throw parsed.invalid("state.backend", "rocksdb or hashmap");
    }
    return v;
  }

  public Duration checkpointInterval() {
    return parsed.positive("checkpoint.interval");
  }

  public String checkpointDir() {
    return parsed.text("checkpoint.dir");
  }

  public Duration checkpointTimeout() {
    return parsed.positive("checkpoint.timeout");
  }

  /**
   * The design's 10 s, but by default never more than a third of the interval: a pause as long
   * as the interval itself would stretch "every 10 s" to every 10 s plus a checkpoint's duration,
   * and with it the read-committed latency. A duration given explicitly is used as it is.
   */
  public Duration checkpointMinPause() {
    if (MIN_PAUSE_AUTO.equalsIgnoreCase(parsed.text("checkpoint.min-pause"))) {
      Duration third = Duration.ofMillis(checkpointInterval().toMillis() / 3);
      return third.compareTo(DESIGN_MIN_PAUSE) < 0 ? third : DESIGN_MIN_PAUSE;
    }
    return parsed.duration("checkpoint.min-pause");
  }

  public int checkpointMaxConcurrent() {
    return parsed.positiveInt("checkpoint.max-concurrent");
  }

  public int checkpointTolerableFailures() {
    return parsed.nonNegativeInt("checkpoint.tolerable-failures");
  }

  public int restartAttempts() {
    return parsed.nonNegativeInt("restart.attempts");
  }

  public Duration restartDelay() {
    return parsed.duration("restart.delay");
  }

  public Duration bufferTimeout() {
    return parsed.duration("buffer-timeout");
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    values.forEach((k, v) -> shown.put(k, isSecret(k) && !v.isEmpty() ? "****" : v));
    return "TelemetryJobOptions" + shown;
  }

  /** Keys whose values must never be printed. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("token") || k.contains("secret")
        || k.contains("jaas") || k.endsWith(".key");
  }
}
