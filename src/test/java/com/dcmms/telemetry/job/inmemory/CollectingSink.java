package com.dcmms.telemetry.job.inmemory;

import com.dcmms.telemetry.job.records.DeadLetter;
import com.dcmms.telemetry.job.records.TelemetryReading;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** One of the job's outputs, written into a {@link Collected}. */
final class CollectingSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  enum Output {
    QUESTDB,
    VALIDATED,
    DEAD_LETTERS
  }

  private final String run;
  private final Output output;

  CollectingSink(String run, Output output) {
    this.run = run;
    this.output = output;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    Collected collected = Collected.of(run);
    int subtask = context.getTaskInfo().getIndexOfThisSubtask();
    int writers = context.getTaskInfo().getNumberOfParallelSubtasks();
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context ctx) {
        switch (output) {
          // The job reuses objects: keep a copy of what was written.
          case QUESTDB -> collected.questDb.add(((TelemetryReading) element).copy());
          case VALIDATED -> collected.validated.add(((TelemetryReading) element).copy());
          case DEAD_LETTERS -> collected.deadLetters.add((DeadLetter) element);
        }
      }

      @Override
      public void writeWatermark(Watermark watermark) {
        if (output == Output.QUESTDB) {
          collected.questDbWatermark(subtask, writers, watermark.getTimestamp());
        }
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
