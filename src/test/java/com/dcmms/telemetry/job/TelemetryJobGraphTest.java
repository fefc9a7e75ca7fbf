package com.dcmms.telemetry.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dcmms.telemetry.job.inmemory.Collected;
import com.dcmms.telemetry.job.inmemory.RawFeed;
import com.dcmms.telemetry.job.inmemory.RawFeedSource;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The graph's shape for questdb.writers: as many writers as the job by default, fewer when asked;
 * and the same graph, uids and all, whether its edges are real or in memory.
 */
class TelemetryJobGraphTest {
  private static StreamGraph graph(Map<String, String> options) {
    TelemetryJobOptions o = TelemetryJobOptions.fromMap(options);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(TelemetryJob.flinkConfiguration(o));
    TelemetryJob.build(env, o);
    return env.getStreamGraph();
  }

  private static StreamNode node(StreamGraph g, String name) {
    return g.getStreamNodes().stream()
        .filter(n -> n.getOperatorName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operator " + name + " in " + g.getStreamNodes()));
  }

  @Test
  void oneQuestDbWriterPerSubtaskByDefault() {
    StreamGraph g = graph(Map.of("parallelism", "8"));
    StreamNode writer = node(g, "QuestDB: Writer");
    assertThat(writer.getParallelism()).isEqualTo(8);
    // chained to dedup: the readings go on without a shuffle
    StreamEdge in = writer.getInEdges().get(0);
    assertThat(in.getPartitioner().toString()).isEqualTo("FORWARD");
  }

  @Test
  void fewerQuestDbWritersTakeTheReadingsOfAFewDedupSubtasksEach() {
    StreamGraph g = graph(Map.of("parallelism", "8", "questdb.writers", "2"));
    StreamNode writer = node(g, "QuestDB: Writer");
    assertThat(writer.getParallelism()).isEqualTo(2);
    assertThat(writer.getInEdges().get(0).getPartitioner().toString()).isEqualTo("RESCALE");
    assertThat(node(g, "dedup").getParallelism()).isEqualTo(8);
    assertThat(node(g, "validated: Writer").getParallelism()).isEqualTo(8);
    // More writers than subtasks cannot be: capped at the parallelism, without a shuffle.
    StreamNode capped =
        node(graph(Map.of("parallelism", "4", "questdb.writers", "16")), "QuestDB: Writer");
    assertThat(capped.getParallelism()).isEqualTo(4);
    assertThat(capped.getInEdges().get(0).getPartitioner().toString()).isEqualTo("FORWARD");
  }

  @Test
  void deadLettersGoToAWriterPerSubtaskByDefault() {
    StreamNode writer = node(graph(Map.of("parallelism", "8")), "dead letters: Writer");
    assertThat(writer.getParallelism()).isEqualTo(8);
    assertThat(writer.getInEdges().get(0).getPartitioner().toString()).isEqualTo("FORWARD");
  }

  @Test
  void deadLettersFromEverySubtaskGoToOneWriterWhenAsked() {
    StreamGraph g = graph(Map.of("parallelism", "8", "kafka.dead-letter-writers", "1"));
    StreamNode writer = node(g, "dead letters: Writer");
    assertThat(writer.getParallelism()).isEqualTo(1);
    assertThat(writer.getInEdges().get(0).getPartitioner().toString()).isEqualTo("REBALANCE");
    assertThat(node(g, "validate").getParallelism()).isEqualTo(8);
  }

  @Test
  void inMemoryEdgesGiveTheSameGraphAsTheRealOnes() {
    TelemetryJobOptions o =
        TelemetryJobOptions.fromMap(
            Map.of("parallelism", "4", "questdb.writers", "2", "kafka.dead-letter-writers", "1"));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(TelemetryJob.flinkConfiguration(o));
    try (Collected out = Collected.create()) {
      TelemetryJob.wire(
          TelemetryJob.read(
              env,
              new RawFeedSource(
                  new RawFeed(4), TelemetryJob.deserializer(o), Boundedness.BOUNDED, "graph"),
              o),
          out.outputs(),
          o);
    }
    StreamGraph real =
        graph(Map.of("parallelism", "4", "questdb.writers", "2", "kafka.dead-letter-writers", "1"));
    assertThat(shape(env.getStreamGraph()))
        .isEqualTo(shape(real))
        .contains(
            "raw-telemetry-source raw 4",
            "dedup dedup 4 HASH",
            "questdb-sink QuestDB: Writer 2 RESCALE",
            "dead-letter-sink dead letters: Writer 1 REBALANCE");
  }

  /**
   * Each operator's uid, name, parallelism and input partitioners, in a stable order; without the
   * committers that Kafka's transactional sinks add after their writers.
   */
  private static List<String> shape(StreamGraph g) {
    return g.getStreamNodes().stream()
        .filter(n -> !n.getOperatorName().endsWith(": Committer"))
        .map(
            n ->
                (n.getTransformationUID()
                        + " "
                        + n.getOperatorName().replaceFirst("^Source: ", "")
                        + " "
                        + n.getParallelism()
                        + n.getInEdges().stream()
                            .map(e -> " " + e.getPartitioner())
                            .collect(Collectors.joining()))
                    .trim())
        .sorted()
        .toList();
  }

  @Test
  void refusesANegativeWriterCountNamingTheKey() {
    assertThatThrownBy(() -> TelemetryJobOptions.fromMap(Map.of("questdb.writers", "-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("questdb.writers");
  }
}
