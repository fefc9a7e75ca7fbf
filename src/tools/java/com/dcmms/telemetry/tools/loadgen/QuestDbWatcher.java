package com.dcmms.telemetry.tools.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Polls QuestDB about every 100 ms for the sampled readings not yet seen there, so their end-to-end
 * latency is measured to the moment a query can return them.
 */
public final class QuestDbWatcher implements AutoCloseable {
  /** Ids per query: keeps the SQL short; several queries per round when many are pending. */
  static final int CHUNK = 100;

  static final int MAX_PER_ROUND = 1_000;
  static final long POLL_MILLIS = 100;

  /**
   * How far past its produce time a reading's event time can be: just after its sensor's newest.
   */
  static final long AHEAD_MILLIS = 2_000;

  private final QuestDbClient questDb;
  private final String table;
  private final long fromMillis;
  private final long lookbackMillis;
  private final LatencyTracker latency;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String lastError;

  /**
   * Watches rows with timestamps from {@code fromMillis} (the run's start less the disorder bound);
   * a reading's event time is at most {@code lookbackMillis} before it was produced and {@link
   * #AHEAD_MILLIS} after.
   */
  public QuestDbWatcher(
      QuestDbClient questDb,
      String table,
      long fromMillis,
      long lookbackMillis,
      LatencyTracker latency) {
    this.questDb = questDb;
    this.table = table;
    this.fromMillis = fromMillis;
    this.lookbackMillis = lookbackMillis;
    this.latency = latency;
    thread = new Thread(this::loop, "load-test-questdb-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      long started = System.nanoTime();
      try {
        List<LatencyTracker.Pending> pending = latency.pendingInQuestDb(MAX_PER_ROUND);
        for (int i = 0; i < pending.size() && running; i += CHUNK) {
          poll(pending.subList(i, Math.min(pending.size(), i + CHUNK)));
        }
        lastError = null;
      } catch (IOException e) {
        lastError = e.getMessage(); // e.g. the table does not exist yet: keep polling
      }
      long sleep = POLL_MILLIS - (System.nanoTime() - started) / 1_000_000;
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void poll(List<LatencyTracker.Pending> chunk) throws IOException {
    // Only the time the chunk's readings can have (oldest first: the chunk spans about a second):
    // the designated-timestamp bounds let QuestDB read those rows alone. Bounded by the run's
    // start instead, each query scanned every row stored so far and the watcher fell minutes
    // behind, while its scans took CPU from the pipeline it measures.
    long from = Math.max(fromMillis, chunk.get(0).sentAtMillis() - lookbackMillis);
    long to = chunk.get(chunk.size() - 1).sentAtMillis() + AHEAD_MILLIS;
    String sql =
        "SELECT event_id FROM "
            + table
            + " WHERE timestamp BETWEEN "
            + QuestDbClient.timestamp(from)
            + " AND "
            + QuestDbClient.timestamp(to)
            + " AND event_id IN ("
            + chunk.stream()
                .map(p -> QuestDbClient.literal(p.eventId()))
                .collect(Collectors.joining(","))
            + ")";
    JsonNode rows = questDb.query(sql);
    long now = System.nanoTime();
    for (JsonNode row : rows) {
      latency.seenInQuestDb(row.get(0).asText(), now);
    }
  }

  /** The last query error, or null when the last round worked. */
  public String lastError() {
    return lastError;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
  }
}
