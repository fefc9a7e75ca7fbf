package com.dcmms.telemetry.faults;

import static com.dcmms.telemetry.testkit.Events.event;

import com.dcmms.telemetry.job.it.PipelineFixture;
import com.dcmms.telemetry.job.rules.RejectReason;
import com.dcmms.telemetry.testkit.Events;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What a fault test sent to raw_telemetry, record by record, with what the pipeline must make of
 * each: a distinct valid reading (stored and republished once), an exact or a near duplicate
 * (dropped), or a rejected record (dead-lettered with its reason). Each entry is named by where it
 * landed ({@code partition@offset}), as its dead letter names it.
 *
 * <p>Readings are those of {@link Events#series}: reading {@code i} of sensor {@code s} has event
 * id {@code s<s>-r<i>}, timestamp {@code base + i s} and a value 10 % away from reading {@code i -
 * 1}, so each one passes the deadband. Keep a test's readings within a dedup window (60 s of event
 * time) of the repeats it sends, or they are no longer duplicates. Safe to send from several
 * threads.
 */
public final class SentLedger {
  /** What the pipeline must do with a record. */
  public enum Outcome {
    STORED,
    EXACT_DUPLICATE,
    NEAR_DUPLICATE,
    REJECTED
  }

  /**
   * One record sent: where it landed, what must become of it, its event id (if stored) or reason
   * (if rejected).
   */
  public record Entry(String at, Outcome outcome, String eventId, RejectReason reason) {}

  private static final String TYPE = "POWER";
  private final PipelineFixture fx;
  private final String site;
  private final int sensors;
  private final long base;
  private final List<Entry> entries = new ArrayList<>();
  private int repeatCalls;

  /** A ledger of readings of {@code sensors} sensors at one site, from half an hour ago on. */
  public SentLedger(PipelineFixture fx, String site, int sensors) {
    this.fx = fx;
    this.site = site;
    this.sensors = sensors;
    this.base =
        Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
  }

  /**
   * Readings {@code from..to-1} of every sensor; when {@code repeatEvery > 0}, every {@code
   * repeatEvery}-th reading is sent twice in a row (the second one an exact duplicate).
   */
  public void sendReadings(int from, int to, int repeatEvery) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<Entry> planned = new ArrayList<>();
    for (int i = from; i < to; i++) {
      for (ProducerRecord<byte[], byte[]> r : fx.readings(i, i + 1, sensors, base, site, TYPE)) {
        String id = PipelineFixture.parse(r.value()).get("event_id").asText();
        records.add(r);
        planned.add(new Entry(null, Outcome.STORED, id, null));
        if (repeatEvery > 0 && i % repeatEvery == 0) {
          records.add(r);
          planned.add(new Entry(null, Outcome.EXACT_DUPLICATE, null, null));
        }
      }
    }
    send(records, planned);
  }

  /**
   * For every sensor, reading {@code i} again (an exact duplicate) and a reading 0.2 % away from it
   * a fraction of a second later (a near duplicate; each call takes another fraction, so that a
   * second call is not an exact duplicate of the first by timestamp). Reading {@code i} must be the
   * sensor's last one sent, so that it is the last one the pipeline emitted.
   */
  public void sendRepeatsOf(int i, String tag) {
    long later = 100L * (1 + repeatCalls++ % 9);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<Entry> planned = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : fx.readings(i, i + 1, sensors, base, site, TYPE)) {
      records.add(r);
      planned.add(new Entry(null, Outcome.EXACT_DUPLICATE, null, null));
    }
    for (int s = 0; s < sensors; s++) {
      records.add(
          fx.raw(
              Events.nearDuplicate(
                  "near-" + tag + "-s" + s + "-r" + i, s, i, later, base, site, TYPE)));
      planned.add(new Entry(null, Outcome.NEAR_DUPLICATE, null, null));
    }
    send(records, planned);
  }

  /** Eight records the validator rejects, each for another reason. */
  public void sendRejects(String tag) {
    Map<RejectReason, byte[]> bad = new EnumMap<>(RejectReason.class);
    bad.put(RejectReason.EMPTY_RECORD, new byte[0]);
    bad.put(RejectReason.INVALID_UTF8, new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b});
    bad.put(
        RejectReason.INVALID_JSON, utf8("{\"event_id\": \"" + tag + "-json\", \"timestamp\": "));
    bad.put(RejectReason.NOT_AN_OBJECT, utf8("[1, 2, 3]"));
    ObjectNode noSite = reading(tag + "-no-site", base);
    noSite.remove("site_id");
    bad.put(RejectReason.MISSING_FIELD, utf8(noSite.toString()));
    ObjectNode textValue = reading(tag + "-text-value", base);
    textValue.put("value", "12.5");
    bad.put(RejectReason.WRONG_TYPE, utf8(textValue.toString()));
    bad.put(
        RejectReason.NON_FINITE_VALUE,
        utf8(reading(tag + "-nan", base).toString().replace("\"value\":1.0", "\"value\":NaN")));
    bad.put(
        RejectReason.TIMESTAMP_TOO_OLD,
        utf8(
            reading(tag + "-old", System.currentTimeMillis() - Duration.ofDays(2).toMillis())
                .toString()));
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<Entry> planned = new ArrayList<>();
    bad.forEach(
        (reason, payload) -> {
          records.add(fx.raw("bad-" + tag, payload));
          planned.add(new Entry(null, Outcome.REJECTED, null, reason));
        });
    send(records, planned);
  }

  private ObjectNode reading(String eventId, long timestamp) {
    return event(eventId, timestamp, site, "asset-1", "sensor-bad", TYPE, 1, "u");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Produces the records in order and books each one where it landed. */
  private void send(List<ProducerRecord<byte[], byte[]>> records, List<Entry> planned) {
    List<RecordMetadata> landed = fx.produce(records);
    synchronized (this) {
      for (int k = 0; k < planned.size(); k++) {
        Entry p = planned.get(k);
        entries.add(
            new Entry(
                landed.get(k).partition() + "@" + landed.get(k).offset(),
                p.outcome(),
                p.eventId(),
                p.reason()));
      }
    }
  }

  /** How many records have been sent so far: a mark for {@link #since}. */
  public synchronized int size() {
    return entries.size();
  }

  /** Everything sent. */
  public synchronized Slice all() {
    return new Slice(List.copyOf(entries));
  }

  /** What was sent after {@code mark} (a {@link #size()} taken earlier). */
  public synchronized Slice since(int mark) {
    return new Slice(List.copyOf(entries.subList(mark, entries.size())));
  }

  /** Some of the records sent, with what the pipeline must make of them. */
  public record Slice(List<Entry> entries) {
    public long sent() {
      return entries.size();
    }

    public long count(Outcome outcome) {
      return entries.stream().filter(e -> e.outcome() == outcome).count();
    }

    public long stored() {
      return count(Outcome.STORED);
    }

    public long duplicates() {
      return count(Outcome.EXACT_DUPLICATE) + count(Outcome.NEAR_DUPLICATE);
    }

    public long rejected() {
      return count(Outcome.REJECTED);
    }

    public long rejected(RejectReason reason) {
      return entries.stream().filter(e -> e.reason() == reason).count();
    }

    public List<String> storedEventIds() {
      return entries.stream()
          .filter(e -> e.outcome() == Outcome.STORED)
          .map(Entry::eventId)
          .toList();
    }

    /** {@code sent = stored + duplicates + rejected}, with each term, for test reports. */
    @Override
    public String toString() {
      return "sent "
          + sent()
          + " = stored "
          + stored()
          + " + duplicates "
          + duplicates()
          + " (exact "
          + count(Outcome.EXACT_DUPLICATE)
          + ", near "
          + count(Outcome.NEAR_DUPLICATE)
          + ") + dead letters "
          + rejected();
    }
  }
}
