package com.dcmms.telemetry.job.questdb;

import com.dcmms.telemetry.job.records.TelemetryReading;
import io.questdb.client.Sender;
import io.questdb.client.cutlass.line.LineSenderException;
import java.io.IOException;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers rows in the ILP sender and commits them in batches: when {@code batch-rows} are pending,
 * when the oldest pending row is {@code flush-interval} old, and before every checkpoint.
 *
 * <p>On error: a failed flush keeps its rows in the sender's buffer and is retried with exponential
 * backoff; the task blocks meanwhile, which backpressures the pipeline. After {@code retry-timeout}
 * the writer fails and the job restarts from its last checkpoint. Refused credentials fail the
 * writer at once ({@link QuestDbCredentialsRejected}). No batch is ever dropped.
 */
final class QuestDbSinkWriter implements SinkWriter<TelemetryReading> {
  private static final Logger LOG = LoggerFactory.getLogger(QuestDbSinkWriter.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final QuestDbSettings settings;
  private final ProcessingTimeService time;
  private final Counter rowsWritten;
  private final Counter retries;
  private final Counter flushes;
  private Sender sender;
  private int pendingRows;
  private boolean flushTimerArmed;
  private volatile int unavailable;

  QuestDbSinkWriter(QuestDbSettings settings, ProcessingTimeService time, MetricGroup metrics) {
    this.settings = settings;
    this.time = time;
    this.rowsWritten = metrics.counter("questdbRowsWritten");
    this.retries = metrics.counter("questdbRetries");
    this.flushes = metrics.counter("questdbFlushes");
    metrics.gauge("questdbPendingRows", () -> pendingRows);
    metrics.gauge("questdbUnavailable", () -> unavailable);
  }

  @Override
  public void write(TelemetryReading r, Context context) throws IOException, InterruptedException {
    if (sender == null) {
      open();
    }
    QuestDbTable.appendRow(sender, settings.table(), r);
    pendingRows++;
    if (pendingRows >= settings.batchRows()) {
      flushPending();
    } else if (!flushTimerArmed) {
      flushTimerArmed = true;
      time.registerTimer(
          time.getCurrentProcessingTime() + settings.flushInterval().toMillis(),
          t -> {
            flushTimerArmed = false;
            flushPending();
          });
    }
  }

  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    flushPending();
  }

  private void open() throws IOException, InterruptedException {
    retrying(
        "create table " + settings.table(),
        () -> QuestDbTable.exec(settings, QuestDbTable.createTableSql(settings.table())));
    Sender.LineSenderBuilder builder =
        Sender.builder(Sender.Transport.HTTP)
            .address(settings.address())
            .disableAutoFlush()
            // Retries are ours (counted, backpressuring, bounded by retry-timeout).
            .retryTimeoutMillis(0)
            // Grows as a batch needs it: a flush every 250 ms holds a few hundred KB, and a buffer
            // once touched stays resident, per writer.
            .bufferCapacity(256 * 1024)
            .maxBufferCapacity(Integer.MAX_VALUE - 8);
    if (settings.hasToken()) {
      builder.httpToken(settings.token());
    } else if (settings.hasBasicAuth()) {
      builder.httpUsernamePassword(settings.username(), settings.password());
    }
    sender = builder.build();
  }

  private void flushPending() throws IOException, InterruptedException {
    if (pendingRows == 0) {
      return;
    }
    int rows = pendingRows;
    retrying(
        "write " + rows + " rows",
        () -> {
          try {
            sender.flush();
          } catch (LineSenderException e) {
            if (QuestDbCredentialsRejected.isAuthenticationError(e)) {
              throw QuestDbCredentialsRejected.of(settings, e);
            }
            throw e;
          }
          return null;
        });
    pendingRows = 0;
    rowsWritten.inc(rows);
    flushes.inc();
  }

  private interface Attempt {
    Object run() throws Exception;
  }

  private void retrying(String what, Attempt attempt) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + settings.retryTimeout().toNanos();
    long backoff = MIN_BACKOFF_MS;
    for (int attemptNo = 1; ; attemptNo++) {
      try {
        attempt.run();
        if (unavailable != 0) {
          LOG.info(
              "QuestDB at {} is reachable again after {} attempts", settings.address(), attemptNo);
          unavailable = 0;
        }
        return;
      } catch (InterruptedException | QuestDbCredentialsRejected e) {
        // Credentials do not change while the job runs: retrying would only hide the error.
        throw e;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "QuestDB at "
                  + settings.address()
                  + " could not "
                  + what
                  + " within "
                  + settings.retryTimeout()
                  + " ("
                  + attemptNo
                  + " attempts); the job "
                  + "restarts from its last checkpoint. Last error: "
                  + e.getMessage(),
              e);
        }
        if (unavailable == 0) {
          LOG.warn(
              "QuestDB at {} could not {}: {}; retrying with backoff for up to {}",
              settings.address(),
              what,
              e.getMessage(),
              settings.retryTimeout());
        }
        unavailable = 1;
        retries.inc();
        Thread.sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  @Override
  public void close() {
    if (sender != null) {
      // Unflushed rows are replayed from the last checkpoint; close must not block on them.
      sender.reset();
      sender.close();
      sender = null;
    }
  }
}
