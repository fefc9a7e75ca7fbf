package com.dcmms.telemetry.job;

import com.dcmms.telemetry.job.functions.DedupOperator;
import com.dcmms.telemetry.job.functions.DeduplicateReadings;
import com.dcmms.telemetry.job.functions.RouteRejected;
import com.dcmms.telemetry.job.functions.SensorKey;
import com.dcmms.telemetry.job.questdb.QuestDbSettings;
import com.dcmms.telemetry.job.questdb.QuestDbSink;
import com.dcmms.telemetry.job.records.DeadLetter;
import com.dcmms.telemetry.job.records.DeadLetterSerializer;
import com.dcmms.telemetry.job.records.ParsedRecord;
import com.dcmms.telemetry.job.records.RawTelemetryDeserializer;
import com.dcmms.telemetry.job.records.SingleTopic;
import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.records.ValidatedTelemetrySerializer;
import com.dcmms.telemetry.job.rules.Deduplicator;
import com.dcmms.telemetry.job.rules.EventValidator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The telemetry pipeline: raw_telemetry → parse and validate (dead letters to telemetry_dlq) →
 * event-time watermarks → dedup per sensor (keyed state) → QuestDB sensor_readings and
 * validated_telemetry. Options: {@link TelemetryJobOptions}.
 *
 * <p>{@link #main} is the cluster entry point ({@code flink run -p 32 telemetry-job.jar
 * --kafka.bootstrap-servers …}); the embedded service builds the same graph with {@link #build}.
 * The graph takes its edges: {@link #read} gives any source the job's event time, {@link #wire}
 * sends its records to any {@link Outputs}, so tests run the same graph with in-memory edges.
 * Operator uids are stable so that state survives upgrades and changes of parallelism.
 */
public final class TelemetryJob {
  public static final String JOB_NAME = "dCMMS telemetry pipeline";
  public static final String UID_SOURCE = "raw-telemetry-source";
  public static final String UID_VALIDATE = "validate";
  public static final String UID_DEDUP = "dedup";
  public static final String UID_QUESTDB_SINK = "questdb-sink";
  public static final String UID_VALIDATED_SINK = "validated-telemetry-sink";
  public static final String UID_DEAD_LETTER_SINK = "dead-letter-sink";

  private TelemetryJob() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> given = JobArguments.values(System.getenv(), args);
    TelemetryJobOptions options = TelemetryJobOptions.fromMap(given);
    Configuration config = flinkConfiguration(options);
    if (!given.containsKey("parallelism")) {
      // Not asked for: `flink run -p N` (or the cluster's default) decides, not our default of 8.
      config.removeConfig(CoreOptions.DEFAULT_PARALLELISM);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    build(env, options);
    env.execute(JOB_NAME);
  }

  /**
   * Job-level Flink settings from the options: checkpointing, state backend, restarts, buffers. In
   * Flink 2.x these go through the configuration, not the environment's setters.
   */
  public static Configuration flinkConfiguration(TelemetryJobOptions o) {
    Configuration c = new Configuration();
    c.set(PipelineOptions.NAME, JOB_NAME);
    c.set(CoreOptions.DEFAULT_PARALLELISM, o.parallelism());
    c.set(PipelineOptions.MAX_PARALLELISM, o.maxParallelism());
    // Operators never keep references to records they have emitted, so chained operators can
    // skip the defensive copy.
    c.set(PipelineOptions.OBJECT_REUSE, true);
    c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, o.checkpointInterval());
    c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    c.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, o.checkpointTimeout());
    c.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, o.checkpointMinPause());
    c.set(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS, o.checkpointMaxConcurrent());
    c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, o.checkpointTolerableFailures());
    c.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir());
    c.set(StateBackendOptions.STATE_BACKEND, o.stateBackend());
    if (o.stateBackend().equals("rocksdb")) {
      c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
      c.setString(RocksDBOptions.PREDEFINED_OPTIONS.key(), "SPINNING_DISK_OPTIMIZED_HIGH_MEM");
    }
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, o.restartAttempts());
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, o.restartDelay());
    c.set(ExecutionOptions.BUFFER_TIMEOUT, o.bufferTimeout());
    return c;
  }

  /**
   * Wires the whole graph into {@code env} with its real edges: Kafka in, QuestDB and Kafka out.
   */
  public static void build(StreamExecutionEnvironment env, TelemetryJobOptions o) {
    wire(read(env, source(o), o), outputs(o), o);
  }

  /**
   * The parsed records of {@code source} with the job's event time: watermarks are assigned in the
   * source (per split, aligned across subtasks), so any source, Kafka's or a test's, gives the same
   * event-time semantics.
   */
  public static DataStream<ParsedRecord> read(
      StreamExecutionEnvironment env, Source<ParsedRecord, ?, ?> source, TelemetryJobOptions o) {
    env.setMaxParallelism(o.maxParallelism());
    return env.fromSource(source, watermarks(o), "raw").uid(UID_SOURCE);
  }

  /** The real outputs: QuestDB, validated_telemetry and the dead-letter topic. */
  public static Outputs outputs(TelemetryJobOptions o) {
    return new Outputs(
        new QuestDbSink(QuestDbSettings.from(o)),
        kafkaSink(o, new ValidatedTelemetrySerializer(o.validatedTopic()), "validated"),
        kafkaSink(o, new DeadLetterSerializer(o.deadLetterTopic()), "dlq"));
  }

  /** Validates, deduplicates and sends the parsed records to the outputs. */
  public static void wire(DataStream<ParsedRecord> records, Outputs out, TelemetryJobOptions o) {
    SingleOutputStreamOperator<TelemetryReading> readings =
        records.process(new RouteRejected()).uid(UID_VALIDATE).name("validate");

    DataStream<DeadLetter> deadLetters = readings.getSideOutput(RouteRejected.DEAD_LETTERS);

    SingleOutputStreamOperator<TelemetryReading> distinct =
        readings
            .keyBy(new SensorKey())
            .transform(
                "dedup",
                readings.getType(),
                new DedupOperator(
                    new DeduplicateReadings(
                        deduplicator(o), o.dedupStateTtl(), o.dedupCacheSensors())))
            .uid(UID_DEDUP);

    // The job's parallelism: ours embedded, `flink run -p N` on a cluster.
    int parallelism = records.getExecutionEnvironment().getParallelism();
    int writers = Math.min(o.questDbWriters() == 0 ? parallelism : o.questDbWriters(), parallelism);
    // Fewer writers than subtasks: each takes the readings of a few dedup subtasks (rescale is
    // pointwise, unlike rebalance's all-to-all).
    DataStream<TelemetryReading> toQuestDb = writers < parallelism ? distinct.rescale() : distinct;
    var questDbSink = toQuestDb.sinkTo(out.questDb()).uid(UID_QUESTDB_SINK).name("QuestDB");
    if (o.questDbWriters() > 0) {
      questDbSink.setParallelism(writers);
    }
    distinct.sinkTo(out.validated()).uid(UID_VALIDATED_SINK).name("validated");
    var deadLetterSink =
        deadLetters.sinkTo(out.deadLetters()).uid(UID_DEAD_LETTER_SINK).name("dead letters");
    // Dead letters are rare: where every thread counts (the embedded service), fewer writers save
    // a transactional producer, with its thread and buffers, per subtask.
    if (o.deadLetterWriters() > 0) {
      deadLetterSink.setParallelism(Math.min(o.deadLetterWriters(), parallelism));
    }
  }

  /** Where the graph's records go: distinct readings to two outputs, rejected records to one. */
  public record Outputs(
      Sink<TelemetryReading> questDb,
      Sink<TelemetryReading> validated,
      Sink<DeadLetter> deadLetters) {}

  static KafkaSource<ParsedRecord> source(TelemetryJobOptions o) {
    OffsetResetStrategy reset =
        o.offsetReset().equals("latest")
            ? OffsetResetStrategy.LATEST
            : OffsetResetStrategy.EARLIEST;
    var builder =
        KafkaSource.<ParsedRecord>builder()
            .setBootstrapServers(o.kafkaBootstrapServers())
            .setTopics(o.rawTopic())
            .setGroupId(o.groupId())
            .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
            .setDeserializer(deserializer(o))
            .setClientIdPrefix(o.groupId());
    consumerSettings(o).forEach(builder::setProperty);
    return builder.build();
  }

  /** The source's consumer settings; kafka.property.* wins over ours. */
  static Map<String, String> consumerSettings(TelemetryJobOptions o) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("commit.offsets.on.checkpoint", "true");
    // A reader keeps what it fetched on the heap until the job has taken it; Kafka's 1 MiB per
    // partition and 50 MiB per fetch made that much of a drain's live heap, and so of the
    // collector's work. A quarter MiB still holds about a thousand readings per partition.
    p.put("max.partition.fetch.bytes", Integer.toString(256 * 1024));
    p.put("fetch.max.bytes", Integer.toString(1024 * 1024));
    p.putAll(o.kafkaProperties());
    return p;
  }

  /** Parses and validates each raw record into a reading or a dead letter, whatever its source. */
  public static RawTelemetryDeserializer deserializer(TelemetryJobOptions o) {
    return new RawTelemetryDeserializer(
        new EventValidator(o.maxEventAge(), o.maxFutureSkew(), o.sensorRanges()));
  }

  static WatermarkStrategy<ParsedRecord> watermarks(TelemetryJobOptions o) {
    return WatermarkStrategy.<ParsedRecord>forBoundedOutOfOrderness(o.outOfOrderness())
        // Rejected records carry no trustworthy event time; MIN_VALUE leaves the watermark alone.
        .withTimestampAssigner(
            (r, kafkaTimestamp) -> r.isRejected() ? Long.MIN_VALUE : r.reading.timestamp)
        .withIdleness(o.idleness())
        .withWatermarkAlignment(
            "telemetry-" + o.rawTopic(), o.alignmentMaxDrift(), Duration.ofSeconds(1));
  }

  static Deduplicator deduplicator(TelemetryJobOptions o) {
    return new Deduplicator(
        o.dedupWindow(), o.dedupDeadband(), o.dedupRelativeTolerance(), o.dedupAbsoluteTolerance());
  }

  static <T, S extends KafkaRecordSerializationSchema<T> & SingleTopic> KafkaSink<T> kafkaSink(
      TelemetryJobOptions o, S serializer, String name) {
    var builder =
        KafkaSink.<T>builder()
            .setBootstrapServers(o.kafkaBootstrapServers())
            .setRecordSerializer(serializer)
            .setDeliveryGuarantee(o.deliveryGuarantee());
    if (o.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
      builder.setTransactionalIdPrefix(o.transactionalIdPrefix() + "-" + name);
      // A few transactional ids per subtask, reused: a new id per checkpoint (the connector's
      // default) leaves the broker one more to remember for a week per subtask and checkpoint,
      // which at one-second checkpoints is over a million a day.
      builder.setTransactionNamingStrategy(TransactionNamingStrategy.POOLING);
    }
    producerSettings(o, name).forEach(builder::setProperty);
    return builder.build();
  }

  /** The producer settings of the sink {@code name}; kafka.property.* wins over ours. */
  static Map<String, String> producerSettings(TelemetryJobOptions o, String name) {
    boolean exactlyOnce = o.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE;
    Map<String, String> p = new LinkedHashMap<>();
    p.put("compression.type", "lz4");
    // Records of one partition come from many sensors at a few thousand per second: fuller
    // batches cost less per record (compression header, checksum, request).
    p.put("batch.size", Integer.toString(64 * 1024));
    // Each producer keeps the batch buffers it ever used, up to this: with the default 32 MB and
    // a few producers per subtask, a drain left most of the service's live heap in idle buffers.
    // A producer that needs more waits for its batches to be sent: backpressure, not loss.
    p.put("buffer.memory", Integer.toString(2 * 1024 * 1024));
    // With EXACTLY_ONCE nothing is visible before the checkpoint commits, and the checkpoint
    // flushes the producer, so lingering costs no latency; fewer, fuller batches allocate fewer
    // lz4 blocks (two of 64 KiB each), much of the service's allocation (docs/benchmarks.md).
    p.put("linger.ms", exactlyOnce ? "1000" : "10");
    p.put("client.id", o.transactionalIdPrefix() + "-" + name);
    if (exactlyOnce) {
      p.put("transaction.timeout.ms", Long.toString(o.transactionTimeout().toMillis()));
    }
    p.putAll(o.kafkaProperties());
    return p;
  }
}
