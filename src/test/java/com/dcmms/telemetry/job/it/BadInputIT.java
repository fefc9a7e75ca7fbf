package com.dcmms.telemetry.job.it;

import static com.dcmms.telemetry.job.it.TelemetryJobIT.awaitExactly;
import static com.dcmms.telemetry.job.records.RawTelemetryDeserializer.MAX_DEAD_LETTER_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.badinput.BadInputCase;
import com.dcmms.telemetry.job.badinput.BadInputCorpus;
import com.dcmms.telemetry.job.badinput.Contract;
import com.dcmms.telemetry.job.records.RawRecords;
import com.dcmms.telemetry.job.rules.EventValidator;
import com.dcmms.telemetry.job.rules.RejectReason;
import com.dcmms.telemetry.job.rules.RejectedRecordException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of the bad-input corpus through the whole job on a MiniCluster against the real Kafka
 * broker and QuestDB: records of up to 4 MiB through the broker, dead-letter envelopes on the real
 * topic. Every rejected record is dead-lettered exactly once with its reason and raw bytes, every
 * valid reading is stored and republished exactly once, the job never restarts, and its own
 * counters add up: in = rows written + duplicates dropped + dead letters. The same corpus with
 * duplicates and a seeded fuzz of mutated events runs with in-memory edges in
 * TelemetryJobBadInputTest.
 */
@ExtendWith(RealServers.class)
class BadInputIT {
  private static final String ACCEPTED = BadInputCase.ACCEPTED;
  private static final JobMetrics METRICS = new JobMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      PipelineFixture.miniCluster(2, 2, METRICS.configuration());

  @TempDir Path checkpoints;

  private final PipelineFixture fx = new PipelineFixture("badinput");
  private final EventValidator validator = RawRecords.defaultValidator();

  /** What was sent, by where it landed ("partition@offset"). */
  private final Map<String, Sent> sent = new HashMap<>();

  /** A record sent and what the job must make of it: ACCEPTED or a reject reason. */
  private record Sent(
      String key, String what, byte[] payload, String expected, String message, String eventId) {}

  @Test
  void deadLettersEveryBadRecordOnceStoresEveryValidReadingOnceAndNeverRestarts(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    fx.allowLargeRawRecords();
    long now = System.currentTimeMillis();
    send(corpus(now));
    List<Sent> rejected = withOutcome(o -> !o.equals(ACCEPTED));
    List<String> stored = withOutcome(ACCEPTED::equals).stream().map(Sent::eventId).toList();

    JobClient job = PipelineFixture.start(fx.options(checkpoints));
    JobID id = job.getJobID();
    try {
      awaitExactly(() -> (long) fx.readCommitted(fx.deadLetterTopic).size(), rejected.size());
      awaitExactly(() -> fx.questDb().count("SELECT count() FROM " + fx.table), stored.size());
      awaitExactly(() -> (long) fx.readCommitted(fx.validatedTopic).size(), stored.size());

      assertDeadLetters(rejected.size());
      assertThat(fx.questDb().rows("SELECT event_id FROM " + fx.table))
          .extracting(row -> (String) row.get(0))
          .containsExactlyInAnyOrderElementsOf(stored);
      assertThat(fx.readCommittedJson(fx.validatedTopic))
          .extracting(r -> r.get("event_id").asText())
          .containsExactlyInAnyOrderElementsOf(stored);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertCountersAddUp(id, stored.size(), rejected));
      assertThat(METRICS.sum(id, "numRestarts")).as("restarts").isZero();
      assertThat(cluster.getJobStatus(id).get()).isEqualTo(JobStatus.RUNNING);
      assertThat(cluster.getExecutionGraph(id).get().getStatusTimestamp(JobStatus.RESTARTING))
          .as("time of a restart")
          .isZero();
    } finally {
      job.cancel().get();
    }
  }

  private List<Sent> corpus(long now) {
    List<Sent> out = new ArrayList<>();
    for (BadInputCase c : BadInputCorpus.all()) {
      Sent s = predicted(c.id(), c.id(), c.payloadAt(now), now);
      assertThat(s.expected()).as("%s on the test's side", c).isEqualTo(c.reason());
      out.add(new Sent(c.id(), c.id(), s.payload(), s.expected(), c.message(), s.eventId()));
    }
    return out;
  }

  /** The outcome the validator gives here; the job, a few seconds later, must give the same. */
  private Sent predicted(String key, String what, byte[] payload, long now) {
    try {
      return new Sent(key, what, payload, ACCEPTED, "", validator.validate(payload, now).eventId);
    } catch (RejectedRecordException e) {
      return new Sent(key, what, payload, e.reason().name(), "", null);
    }
  }

  private void send(List<Sent> records) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    records.forEach(r -> out.add(fx.raw(r.key(), r.payload())));
    List<RecordMetadata> landed = fx.produce(out);
    for (int i = 0; i < records.size(); i++) {
      sent.put(landed.get(i).partition() + "@" + landed.get(i).offset(), records.get(i));
    }
  }

  private List<Sent> withOutcome(java.util.function.Predicate<String> outcome) {
    return sent.values().stream().filter(s -> outcome.test(s.expected())).toList();
  }

  /** Each dead letter names a rejected record once, with its reason, message and bytes. */
  private void assertDeadLetters(int expected) {
    Set<String> seen = new HashSet<>();
    for (JsonNode d : fx.readCommittedJson(fx.deadLetterTopic)) {
      String at = d.get("source_partition").asInt() + "@" + d.get("source_offset").asLong();
      Sent s = sent.get(at);
      assertThat(s).as("dead letter %s names a record sent", at).isNotNull();
      assertThat(seen.add(at)).as("%s dead-lettered once", s.what()).isTrue();
      assertThat(d.get("source_topic").asText()).isEqualTo(fx.rawTopic);
      assertThat(d.get("error_code").asText()).as(s.what()).isEqualTo(s.expected());
      assertThat(d.get("error_message").asText()).as(s.what()).contains(s.message());
      Contract.assertKeepsRawBytes(d, s.payload(), MAX_DEAD_LETTER_PAYLOAD);
    }
    assertThat(seen).hasSize(expected);
  }

  /** The pipeline's own counters against each other and against what was sent. */
  private void assertCountersAddUp(JobID id, long stored, List<Sent> rejected) {
    double in = METRICS.sum(id, "validate", "numRecordsIn");
    double accepted = METRICS.sum(id, "telemetryAccepted");
    double deadLetters = METRICS.sum(id, "telemetryRejected");
    double dropped = METRICS.sum(id, "telemetryDuplicatesDropped");
    double emitted = METRICS.sum(id, "telemetryEmitted");
    double written = METRICS.sum(id, "questdbRowsWritten");

    assertThat(in).as("in").isEqualTo(sent.size());
    assertThat(in)
        .as("in = stored + duplicates dropped + dead letters")
        .isEqualTo(written + dropped + deadLetters);
    assertThat(accepted + deadLetters).as("accepted + rejected").isEqualTo(in);
    assertThat(emitted).as("emitted").isEqualTo(written).isEqualTo(stored);
    assertThat(dropped).as("duplicates dropped: the corpus has none").isZero();
    assertThat(deadLetters).as("dead letters").isEqualTo(rejected.size());
    for (RejectReason reason : RejectReason.values()) {
      assertThat(METRICS.sum(id, "reason." + reason + ".telemetryRejected"))
          .as(reason.name())
          .isEqualTo(rejected.stream().filter(s -> s.expected().equals(reason.name())).count());
    }
  }
}
