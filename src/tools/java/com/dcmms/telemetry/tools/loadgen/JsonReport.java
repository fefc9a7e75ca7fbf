package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.loadgen.GeneratedEvent.Kind;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/** The run's figures as JSON ({@code --report-json}), read by the benchmark. */
final class JsonReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonReport() {}

  static void write(
      Path file,
      LoadTestOptions o,
      RunCounters counters,
      LatencyTracker latency,
      double achievedRate,
      long elapsedNanos,
      Boolean verified)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("runId", o.runId());
    root.put("rateRequested", o.rate());
    root.put("rateAchieved", achievedRate);
    root.put("elapsedSeconds", elapsedNanos / 1e9);
    root.put("sent", counters.total());
    for (Kind k : Kind.values()) {
      root.put("sent_" + k.name(), counters.count(k));
    }
    root.put("sendFailures", counters.failures());
    root.put("expectedReadings", counters.expectedReadings());
    root.put("expectedDeadLetters", counters.count(Kind.MALFORMED));
    if (verified != null) {
      root.put("verified", verified);
    }
    // The origin of the e2e latencies: "scheduled" at a held rate, "sent" at full speed.
    root.put("latencyFrom", RateControlledProducer.latencyFromSchedule(o) ? "scheduled" : "sent");
    root.set(
        "questDb",
        latencies(latency.questDb, latency.questDbSeries, latency.pendingQuestDbCount()));
    root.set(
        "validatedTelemetry",
        latencies(latency.kafka, latency.kafkaSeries, latency.pendingKafkaCount()));
    root.set("producerAck", latencies(latency.producerAck, List.of(), 0));
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }

  /**
   * Percentiles in ms (none without samples), the samples never seen, and the series [scheduled
   * send epoch ms, latency ms].
   */
  private static ObjectNode latencies(LatencyHistogram latencies, List<long[]> series, int unseen) {
    Histogram h = latencies.snapshot();
    ObjectNode n = JSON.createObjectNode();
    n.put("count", h.getTotalCount());
    n.put("unseen", unseen);
    if (h.getTotalCount() > 0) {
      n.put("p50Ms", h.getValueAtPercentile(50) / 1000.0);
      n.put("p95Ms", h.getValueAtPercentile(95) / 1000.0);
      n.put("p99Ms", h.getValueAtPercentile(99) / 1000.0);
      n.put("maxMs", h.getMaxValue() / 1000.0);
    }
    ArrayNode points = n.putArray("series");
    List<long[]> copy;
    synchronized (series) {
      copy = new ArrayList<>(series);
    }
    copy.sort((a, b) -> Long.compare(a[0], b[0]));
    for (long[] s : copy) {
      points.addArray().add(s[0]).add(s[1] / 1000.0);
    }
    return n;
  }
}
