package com.dcmms.telemetry.job.functions;

import com.dcmms.telemetry.job.records.DeadLetter;
import com.dcmms.telemetry.job.records.ParsedRecord;
import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.rules.RejectReason;
import com.dcmms.telemetry.job.rules.SensorTypes;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sends rejected records to the dead-letter side output and readings on; counts rejections by
 * reason, out-of-range readings and readings of unknown sensor types.
 */
public class RouteRejected extends ProcessFunction<ParsedRecord, TelemetryReading> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>(
          "dead-letters",
          org.apache.flink.api.common.typeinfo.TypeInformation.of(DeadLetter.class));

  private transient Map<RejectReason, Counter> rejected;
  private transient Counter outOfRange;
  private transient Counter unknownSensorType;
  private transient Counter accepted;

  @Override
  public void open(OpenContext openContext) {
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    rejected = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, metrics.addGroup("reason", reason.name()).counter("telemetryRejected"));
    }
    outOfRange = metrics.counter("telemetryOutOfRange");
    unknownSensorType = metrics.counter("telemetryUnknownSensorType");
    accepted = metrics.counter("telemetryAccepted");
  }

  @Override
  public void processElement(ParsedRecord record, Context ctx, Collector<TelemetryReading> out) {
    if (record.isRejected()) {
      rejected.get(RejectReason.valueOf(record.deadLetter.errorCode)).inc();
      ctx.output(DEAD_LETTERS, record.deadLetter);
      return;
    }
    TelemetryReading reading = record.reading;
    if ("OUT_OF_RANGE".equals(reading.qualityFlag)) {
      outOfRange.inc();
    }
    if (!SensorTypes.isKnown(reading.sensorType)) {
      unknownSensorType.inc();
    }
    accepted.inc();
    out.collect(reading);
  }
}
