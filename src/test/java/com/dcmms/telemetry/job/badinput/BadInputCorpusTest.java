package com.dcmms.telemetry.job.badinput;

import static com.dcmms.telemetry.job.records.RawTelemetryDeserializer.MAX_DEAD_LETTER_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.records.DeadLetter;
import com.dcmms.telemetry.job.records.DeadLetterSerializer;
import com.dcmms.telemetry.job.records.ParsedRecord;
import com.dcmms.telemetry.job.records.RawRecords;
import com.dcmms.telemetry.job.records.RawTelemetryDeserializer;
import com.dcmms.telemetry.job.rules.RejectReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the bad-input corpus through the deserializer and validator the job runs: the
 * reason and message the user sees, and a dead letter that keeps the raw bytes.
 */
class BadInputCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<BadInputCase> CORPUS = BadInputCorpus.all();

  private final RawTelemetryDeserializer deserializer =
      new RawTelemetryDeserializer(RawRecords.defaultValidator());

  static List<BadInputCase> corpus() {
    return CORPUS;
  }

  static List<BadInputCase> rejected() {
    return CORPUS.stream().filter(c -> !c.accepted()).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void givesEachCaseItsOutcomeAndMessage(BadInputCase c) throws Exception {
    long from = System.currentTimeMillis();
    ParsedRecord parsed = parse(c.payloadAt(from));
    long to = System.currentTimeMillis();

    if (c.accepted()) {
      assertThat(parsed.deadLetter).as("%s: %s", c, parsed.deadLetter).isNull();
      Contract.assertAccepted(parsed.reading, from, to);
      assertThat(parsed.reading.qualityFlag).isEqualTo(c.quality());
    } else {
      assertThat(parsed.deadLetter).as(c.about()).isNotNull();
      assertThat(parsed.deadLetter.errorCode)
          .as(parsed.deadLetter.errorMessage)
          .isEqualTo(c.reason());
      assertThat(parsed.deadLetter.errorMessage).contains(c.message());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void deadLetterKeepsTheRawBytesOrABoundedPrefixAndTheSize(BadInputCase c) throws Exception {
    byte[] payload = c.payloadAt(System.currentTimeMillis());
    DeadLetter d = parse(payload).deadLetter;

    int size = payload == null ? 0 : payload.length;
    assertThat(d.payloadSize).isEqualTo(size);
    assertThat(d.payload)
        .isEqualTo(
            Arrays.copyOf(
                payload == null ? new byte[0] : payload, Math.min(size, MAX_DEAD_LETTER_PAYLOAD)));
    byte[] envelope = new DeadLetterSerializer("telemetry_dlq").toJson(d);
    assertThat(envelope.length).as("fits a Kafka record easily").isLessThan(100 * 1024);
    Contract.assertKeepsRawBytes(JSON.readTree(envelope), payload, MAX_DEAD_LETTER_PAYLOAD);
  }

  @Test
  void deadLetterOfARecordOverOneMibKeepsA64KibPrefixAndTheSize() throws Exception {
    BadInputCase big = find("size/valid-event-over-1-mib");
    byte[] payload = big.payloadAt(System.currentTimeMillis());

    JsonNode envelope =
        JSON.readTree(new DeadLetterSerializer("telemetry_dlq").toJson(parse(payload).deadLetter));

    assertThat(payload.length).isGreaterThan(1024 * 1024);
    assertThat(envelope.get("error_code").asText()).isEqualTo("RECORD_TOO_LARGE");
    assertThat(envelope.get("payload_size").asInt()).isEqualTo(payload.length);
    assertThat(envelope.get("payload_truncated").asBoolean()).isTrue();
    assertThat(envelope.get("payload").asText())
        .hasSize(MAX_DEAD_LETTER_PAYLOAD)
        .isEqualTo(
            new String(
                payload, 0, MAX_DEAD_LETTER_PAYLOAD, java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void coversSixtyKindsOfEveryCategoryAndEveryReason() {
    Map<String, Long> byCategory =
        CORPUS.stream()
            .collect(Collectors.groupingBy(BadInputCase::category, Collectors.counting()));
    Set<String> ids = new HashSet<>();
    CORPUS.forEach(c -> assertThat(ids.add(c.id())).as("unique %s", c).isTrue());

    assertThat(CORPUS.stream().filter(c -> !c.accepted())).hasSizeGreaterThanOrEqualTo(60);
    assertThat(byCategory.keySet())
        .containsExactlyInAnyOrder(
            "empty",
            "encoding",
            "truncated",
            "invalid-json",
            "duplicates",
            "not-an-object",
            "missing-and-null",
            "wrong-type",
            "numbers",
            "timestamps",
            "text",
            "nesting",
            "size",
            "accepted");
    assertThat(CORPUS.stream().map(BadInputCase::reason).collect(Collectors.toSet()))
        .containsAll(Arrays.stream(RejectReason.values()).map(Enum::name).toList())
        .contains(BadInputCase.ACCEPTED);
    CORPUS.forEach(
        c -> {
          assertThat(c.about()).as("%s says what it is", c).isNotBlank();
          assertThat(c.accepted() ? c.quality() : c.message()).as("%s expectation", c).isNotBlank();
        });
  }

  private ParsedRecord parse(byte[] payload) {
    return RawRecords.deserializeOne(deserializer, RawRecords.record(1, 42, 1L, payload));
  }

  private static BadInputCase find(String id) {
    return CORPUS.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
  }
}
