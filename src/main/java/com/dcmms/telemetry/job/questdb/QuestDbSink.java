package com.dcmms.telemetry.job.questdb;

import com.dcmms.telemetry.job.records.TelemetryReading;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Stores readings in QuestDB over ILP/HTTP. At-least-once (everything buffered is flushed before
 * each checkpoint completes); the table's DEDUP keys make replays idempotent, which together gives
 * exactly-once rows.
 */
public final class QuestDbSink implements Sink<TelemetryReading> {
  private static final long serialVersionUID = 1L;
  private final QuestDbSettings settings;

  public QuestDbSink(QuestDbSettings settings) {
    this.settings = settings;
  }

  @Override
  public SinkWriter<TelemetryReading> createWriter(WriterInitContext context) {
    return new QuestDbSinkWriter(
        settings, context.getProcessingTimeService(), context.metricGroup());
  }
}
