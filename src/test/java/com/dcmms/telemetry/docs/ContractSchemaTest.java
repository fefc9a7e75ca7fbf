package com.dcmms.telemetry.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.badinput.BadInputCase;
import com.dcmms.telemetry.job.badinput.BadInputCorpus;
import com.dcmms.telemetry.job.badinput.Mutations;
import com.dcmms.telemetry.job.records.DeadLetterSerializer;
import com.dcmms.telemetry.job.records.ParsedRecord;
import com.dcmms.telemetry.job.records.RawRecords;
import com.dcmms.telemetry.job.records.RawTelemetryDeserializer;
import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.records.ValidatedTelemetrySerializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract's JSON Schemas against what the pipeline really accepts and writes: every event the
 * validator accepts matches the raw-event schema, structurally bad events fail it, and the job's
 * own serializers write records that match the validated-telemetry and dead-letter schemas.
 */
class ContractSchemaTest {
  private static final List<BadInputCase> CORPUS = BadInputCorpus.all();

  /** Rejections that are about the event's shape, which a schema can express. */
  private static final Set<String> STRUCTURAL =
      Set.of("NOT_AN_OBJECT", "MISSING_FIELD", "WRONG_TYPE", "INVALID_FIELD", "INVALID_TIMESTAMP");

  /**
   * Structural rejections the raw-event schema lets through, each for a reason: JSON Schema sees
   * strings as Unicode code points, so an unpaired UTF-16 surrogate is invisible to it; a calendar
   * check (month 13, a nine-digit year) is beyond a pattern; and no keyword measures an object's
   * size as JSON text (metadata over 64 KiB). docs/contract.md lists them.
   */
  private static final Set<String> BEYOND_THE_SCHEMA =
      Set.of(
          "text/asset-id-with-unpaired-surrogate",
          "text/metadata-over-64-kib",
          "text/metadata-value-with-unpaired-surrogate",
          "timestamps/timestamp-month-13",
          "timestamps/timestamp-year-999999999");

  private final Schema rawEvent = ContractSchemas.load(ContractSchemas.RAW_EVENT);
  private final Schema validated = ContractSchemas.load(ContractSchemas.VALIDATED_TELEMETRY);
  private final Schema deadLetter = ContractSchemas.load(ContractSchemas.DEAD_LETTER);
  private final RawTelemetryDeserializer deserializer =
      new RawTelemetryDeserializer(RawRecords.defaultValidator());

  static List<BadInputCase> accepted() {
    return CORPUS.stream().filter(BadInputCase::accepted).toList();
  }

  static List<BadInputCase> rejected() {
    return CORPUS.stream().filter(c -> !c.accepted()).toList();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ContractSchemas.RAW_EVENT,
        ContractSchemas.VALIDATED_TELEMETRY,
        ContractSchemas.DEAD_LETTER
      })
  void eachSchemaIsAValidDraft202012Schema(String name) throws Exception {
    Schema metaSchema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(
                com.networknt.schema.SchemaLocation.of(
                    "https://json-schema.org/draft/2020-12/schema"));
    JsonNode schema = ContractSchemas.parse(Files.readAllBytes(ContractSchemas.DIR.resolve(name)));

    assertThat(ContractSchemas.errors(metaSchema, schema)).isEmpty();
    assertThat(schema.get("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void everyAcceptedCorpusEventMatchesTheRawEventSchema(BadInputCase c) {
    byte[] payload = c.payloadAt(System.currentTimeMillis());
    assertThat(parse(payload).isRejected()).as("the validator accepts %s", c).isFalse();

    ContractSchemas.assertRawEventMatches(rawEvent, payload, c.id());
  }

  @Test
  void everyFuzzedEventTheValidatorAcceptsMatchesTheRawEventSchema() {
    int accepted = 0;
    for (Mutations.Kind kind : Mutations.Kind.values()) {
      for (int i = 0; i < 500; i++) {
        long now = System.currentTimeMillis();
        Mutations.Mutation m =
            new Mutations(20_261_207L + 1_000_003L * kind.ordinal() + i)
                .mutate(kind, now, "schema-" + i);
        if (!parse(m.payload()).isRejected()) {
          ContractSchemas.assertRawEventMatches(
              rawEvent, m.payload(), kind + " " + m.description());
          accepted++;
        }
      }
    }
    assertThat(accepted).as("accepted mutations checked").isGreaterThan(1_000);
  }

  @Test
  void structurallyRejectedCorpusEventsFailTheRawEventSchema() throws IOException {
    Set<String> failing = new TreeSet<>();
    Set<String> passing = new TreeSet<>();
    Set<String> notJson = new TreeSet<>();
    for (BadInputCase c : rejected()) {
      if (!STRUCTURAL.contains(c.reason())) {
        continue;
      }
      JsonNode event;
      try {
        event = ContractSchemas.parse(c.payloadAt(System.currentTimeMillis()));
      } catch (IOException e) {
        notJson.add(c.id());
        continue;
      }
      (ContractSchemas.errors(rawEvent, event).isEmpty() ? passing : failing).add(c.id());
    }

    assertThat(passing).isEqualTo(new TreeSet<>(BEYOND_THE_SCHEMA));
    // Not JSON a schema validator could read: NaN is no JSON number, and 100,000 nested arrays
    // are beyond a JSON parser's depth limit (the validator rejects the record at its first
    // token, an array, as NOT_AN_OBJECT).
    assertThat(notJson).containsExactly("nesting/array-100000-deep", "timestamps/timestamp-nan");
    assertThat(failing)
        .hasSizeGreaterThanOrEqualTo(50)
        .contains(
            "missing-and-null/missing-site-id",
            "wrong-type/value-as-string",
            "not-an-object/array-of-events",
            "text/quality-flag-unknown",
            "text/event-id-257-characters",
            "timestamps/timestamp-digits-in-a-string");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void validatedTelemetrySerializerWritesRecordsMatchingTheSchema(BadInputCase c) {
    TelemetryReading reading = parse(c.payloadAt(System.currentTimeMillis())).reading;
    reading.processedAt = System.currentTimeMillis();

    byte[] record = new ValidatedTelemetrySerializer("validated_telemetry").toJson(reading);

    ContractSchemas.assertMatches(validated, record, c.id());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void deadLetterSerializerWritesEnvelopesMatchingTheSchema(BadInputCase c) {
    ParsedRecord parsed = parse(c.payloadAt(System.currentTimeMillis()));

    byte[] envelope = new DeadLetterSerializer("telemetry_dlq").toJson(parsed.deadLetter);

    ContractSchemas.assertMatches(deadLetter, envelope, c.id());
  }

  @Test
  void theDeadLetterSchemaRequiresExactlyOneFormOfThePayload() throws IOException {
    String common =
        "\"error_code\":\"INVALID_UTF8\",\"error_message\":\"m\",\"source_topic\":\"t\","
            + "\"source_partition\":0,\"source_offset\":1,\"kafka_timestamp\":2,\"rejected_at\":3,"
            + "\"payload_size\":1,\"payload_truncated\":false";

    assertThat(errors(deadLetter, "{" + common + ",\"payload_base64\":\"/w==\"}")).isEmpty();
    assertThat(errors(deadLetter, "{" + common + "}")).isNotEmpty();
    assertThat(errors(deadLetter, "{" + common + ",\"payload\":\"x\",\"payload_base64\":\"eA==\"}"))
        .isNotEmpty();
    assertThat(
            errors(
                deadLetter,
                "{" + common.replace("INVALID_UTF8", "SOMETHING_ELSE") + ",\"payload\":\"x\"}"))
        .isNotEmpty();
  }

  private ParsedRecord parse(byte[] payload) {
    return RawRecords.deserializeOne(deserializer, RawRecords.record(3, 1842, 1L, payload));
  }

  private static List<String> errors(Schema schema, String json) throws IOException {
    return ContractSchemas.errors(schema, ContractSchemas.parse(json.getBytes()));
  }
}
