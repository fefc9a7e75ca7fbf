package com.dcmms.telemetry.job.records;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.job.rules.EventValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Raw Kafka records through the job's own deserializer, for tests of what it makes of them. */
public final class RawRecords {
  public static final String TOPIC = "raw_telemetry";

  private RawRecords() {}

  /** The validator the job builds from its default options. */
  public static EventValidator defaultValidator() {
    TelemetryJobOptions o = TelemetryJobOptions.fromMap(Map.of());
    return new EventValidator(o.maxEventAge(), o.maxFutureSkew(), o.sensorRanges());
  }

  public static ConsumerRecord<byte[], byte[]> record(
      int partition, long offset, long timestamp, byte[] value) {
    return new ConsumerRecord<>(
        TOPIC,
        partition,
        offset,
        timestamp,
        TimestampType.CREATE_TIME,
        -1,
        value == null ? -1 : value.length,
        null,
        value,
        new RecordHeaders(),
        Optional.empty());
  }

  /** What the deserializer emits for one record: always exactly one reading or dead letter. */
  public static ParsedRecord deserializeOne(
      RawTelemetryDeserializer deserializer, ConsumerRecord<byte[], byte[]> record) {
    List<ParsedRecord> out = new ArrayList<>();
    deserializer.deserialize(record, new ListCollector<>(out));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).reading == null)
        .as("exactly one of reading and dead letter")
        .isNotEqualTo(out.get(0).deadLetter == null);
    return out.get(0);
  }
}
