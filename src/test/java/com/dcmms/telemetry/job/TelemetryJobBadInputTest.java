package com.dcmms.telemetry.job;

import static com.dcmms.telemetry.job.records.RawTelemetryDeserializer.MAX_DEAD_LETTER_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.badinput.BadInputCase;
import com.dcmms.telemetry.job.badinput.BadInputCorpus;
import com.dcmms.telemetry.job.badinput.Contract;
import com.dcmms.telemetry.job.badinput.Mutations;
import com.dcmms.telemetry.job.inmemory.Collected;
import com.dcmms.telemetry.job.inmemory.InMemoryPipeline;
import com.dcmms.telemetry.job.inmemory.RawFeed;
import com.dcmms.telemetry.job.it.JobMetrics;
import com.dcmms.telemetry.job.records.DeadLetter;
import com.dcmms.telemetry.job.records.DeadLetterSerializer;
import com.dcmms.telemetry.job.records.RawRecords;
import com.dcmms.telemetry.job.rules.EventValidator;
import com.dcmms.telemetry.job.rules.RejectReason;
import com.dcmms.telemetry.job.rules.RejectedRecordException;
import com.dcmms.telemetry.testkit.Events;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the whole graph on a MiniCluster (parallelism 2, four partitions) with
 * in-memory edges: valid readings with duplicates, then every case of the bad-input corpus, then a
 * seeded fuzz of mutated events. Every rejected record is dead-lettered exactly once with its
 * reason, message and raw bytes, every distinct valid reading is stored and republished exactly
 * once, the job never restarts, and its own counters add up: in = stored + duplicates dropped +
 * dead letters. BadInputIT sends the corpus through the real broker and QuestDB.
 */
class TelemetryJobBadInputTest {
  /** Fixed, so that every run sends the same mutations. */
  private static final long FUZZ_SEED = 20_260_601L;

  private static final int FUZZ_RECORDS = 300;
  private static final String ACCEPTED = BadInputCase.ACCEPTED;
  private static final String DUPLICATE = "DUPLICATE";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JobMetrics METRICS = new JobMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      InMemoryPipeline.miniCluster(2, 2, METRICS.configuration());

  @TempDir Path checkpoints;

  private final Collected out = Collected.create();
  private final RawFeed feed = new RawFeed(4);
  private final EventValidator validator = RawRecords.defaultValidator();

  /** What was sent, by where it landed ("partition@offset"). */
  private final Map<String, Sent> sent = new HashMap<>();

  /** A record sent and what the job must make of it: ACCEPTED, DUPLICATE or a reject reason. */
  private record Sent(
      String key, String what, byte[] payload, String expected, String message, String eventId) {}

  @AfterEach
  void forget() {
    out.close();
  }

  @Test
  void deadLettersEveryBadRecordOnceStoresEveryValidReadingOnceAndNeverRestarts() throws Exception {
    long now = System.currentTimeMillis();
    // Readings and their duplicates first, so that the watermark is still among them when the
    // duplicates arrive (dedup state of a sensor is cleared a window behind the watermark).
    send(validReadingsAndDuplicates(now));
    send(corpus(now));
    send(fuzz(now));
    List<Sent> rejected = withOutcome(o -> !o.equals(ACCEPTED) && !o.equals(DUPLICATE));
    List<String> stored = withOutcome(ACCEPTED::equals).stream().map(Sent::eventId).toList();
    long duplicates = withOutcome(DUPLICATE::equals).size();

    JobID id = InMemoryPipeline.run(feed, out, InMemoryPipeline.options(checkpoints, Map.of()));

    assertDeadLetters(rejected.size());
    assertThat(out.storedIds()).containsExactlyInAnyOrderElementsOf(stored);
    assertThat(out.validatedIds()).containsExactlyInAnyOrderElementsOf(stored);
    assertCountersAddUp(id, stored.size(), duplicates, rejected);
    assertThat(METRICS.sum(id, "numRestarts")).as("restarts").isZero();
  }

  /** 50 distinct readings of five sensors, ten of them sent twice, five near repeats. */
  private List<Sent> validReadingsAndDuplicates(long now) {
    long base = now - Duration.ofMinutes(10).toMillis();
    List<ObjectNode> readings = Events.series(0, 10, 5, base, "site-ok", "POWER");
    List<Sent> out = new ArrayList<>();
    readings.forEach(r -> out.add(predicted(Events.key(r), "reading", Events.bytes(r), now)));
    for (ObjectNode r : readings.subList(0, 10)) {
      out.add(new Sent(Events.key(r), "exact repeat", Events.bytes(r), DUPLICATE, "", null));
    }
    for (int s = 0; s < 5; s++) {
      ObjectNode r = Events.nearDuplicate("s" + s + "-near", s, 9, 500, base, "site-ok", "POWER");
      out.add(new Sent(Events.key(r), "deadband repeat", Events.bytes(r), DUPLICATE, "", null));
    }
    return out;
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

  private List<Sent> fuzz(long now) {
    Mutations mutations = new Mutations(FUZZ_SEED);
    List<Sent> out = new ArrayList<>();
    for (int i = 0; i < FUZZ_RECORDS; i++) {
      Mutations.Mutation m = mutations.any(now, "fuzz-" + i);
      out.add(
          predicted(
              "fuzz-" + i,
              "fuzz " + i + " " + m.kind() + ": " + m.description(),
              m.payload(),
              now));
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
    for (Sent r : records) {
      sent.put(feed.add(r.key(), r.payload()).toString(), r);
    }
  }

  private List<Sent> withOutcome(Predicate<String> outcome) {
    return sent.values().stream().filter(s -> outcome.test(s.expected())).toList();
  }

  /** Each dead letter names a rejected record once, with its reason, message and bytes. */
  private void assertDeadLetters(int expected) throws Exception {
    Set<String> seen = new HashSet<>();
    DeadLetterSerializer envelope = new DeadLetterSerializer("telemetry_dlq");
    for (DeadLetter d : out.deadLetters()) {
      String at = d.sourcePartition + "@" + d.sourceOffset;
      Sent s = sent.get(at);
      assertThat(s).as("dead letter %s names a record sent", at).isNotNull();
      assertThat(seen.add(at)).as("%s dead-lettered once", s.what()).isTrue();
      assertThat(d.sourceTopic).isEqualTo(RawFeed.TOPIC);
      assertThat(d.errorCode).as(s.what()).isEqualTo(s.expected());
      assertThat(d.errorMessage).as(s.what()).contains(s.message());
      Contract.assertKeepsRawBytes(
          JSON.readTree(envelope.toJson(d)), s.payload(), MAX_DEAD_LETTER_PAYLOAD);
    }
    assertThat(seen).hasSize(expected);
  }

  /** The pipeline's own counters against each other and against what was sent. */
  private void assertCountersAddUp(JobID id, long stored, long duplicates, List<Sent> rejected) {
    double in = METRICS.sum(id, "validate", "numRecordsIn");
    double accepted = METRICS.sum(id, "telemetryAccepted");
    double deadLetters = METRICS.sum(id, "telemetryRejected");
    double dropped = METRICS.sum(id, "telemetryDuplicatesDropped");
    double emitted = METRICS.sum(id, "telemetryEmitted");
    double written = out.questDb().size();

    assertThat(in).as("in").isEqualTo(sent.size());
    assertThat(in)
        .as("in = stored + duplicates dropped + dead letters")
        .isEqualTo(written + dropped + deadLetters);
    assertThat(accepted + deadLetters).as("accepted + rejected").isEqualTo(in);
    assertThat(emitted).as("emitted").isEqualTo(written).isEqualTo(stored);
    assertThat(dropped).as("duplicates dropped").isEqualTo(duplicates);
    assertThat(deadLetters).as("dead letters").isEqualTo(rejected.size());
    for (RejectReason reason : RejectReason.values()) {
      assertThat(METRICS.sum(id, "reason." + reason + ".telemetryRejected"))
          .as(reason.name())
          .isEqualTo(rejected.stream().filter(s -> s.expected().equals(reason.name())).count());
    }
  }
}
