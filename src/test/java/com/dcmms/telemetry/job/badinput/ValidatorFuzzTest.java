package com.dcmms.telemetry.job.badinput;

import static com.dcmms.telemetry.job.records.RawTelemetryDeserializer.MAX_DEAD_LETTER_PAYLOAD;
import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.job.badinput.Mutations.Kind;
import com.dcmms.telemetry.job.badinput.Mutations.Mutation;
import com.dcmms.telemetry.job.records.DeadLetterSerializer;
import com.dcmms.telemetry.job.records.ParsedRecord;
import com.dcmms.telemetry.job.records.RawRecords;
import com.dcmms.telemetry.job.records.RawTelemetryDeserializer;
import com.dcmms.telemetry.job.rules.EventValidator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Property tests: thousands of mutated events through the deserializer and validator the job runs.
 * Whatever the input, nothing but a dead letter comes of a bad record, and an accepted one keeps
 * the contract.
 *
 * <p>Deterministic: the seed is fixed, so CI always runs the same cases; pass {@code
 * -Dbadinput.seed=N} to explore others. A failure names its case seed, which reproduces it alone
 * ({@code -Dbadinput.seed=<case seed> -Dbadinput.runs=1}).
 */
class ValidatorFuzzTest {
  private static final long SEED = Long.getLong("badinput.seed", 20_260_601L);
  private static final int RUNS = Integer.getInteger("badinput.runs", 2_000);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RawTelemetryDeserializer deserializer =
      new RawTelemetryDeserializer(RawRecords.defaultValidator());

  @ParameterizedTest
  @EnumSource(Kind.class)
  void neverFailsAndEveryOutcomeKeepsTheContract(Kind kind) {
    forEachCase(
        kind,
        (m, parsed, from, to) -> {
          if (parsed.isRejected()) {
            assertThat(parsed.deadLetter.errorMessage).isNotBlank();
            Contract.assertKeepsRawBytes(
                JSON.readTree(new DeadLetterSerializer("dlq").toJson(parsed.deadLetter)),
                m.payload(),
                MAX_DEAD_LETTER_PAYLOAD);
          } else {
            Contract.assertAccepted(parsed.reading, from, to);
          }
        });
  }

  @Test
  void validEventsAreAccepted() {
    forEachCase(
        Kind.NONE,
        (m, parsed, from, to) ->
            assertThat(parsed.deadLetter).as("%s", parsed.deadLetter).isNull());
  }

  @Test
  void deletingARequiredFieldIsMissingFieldAndAnOptionalOneChangesNothingElse() {
    forEachCase(
        Kind.DELETE_FIELD,
        (m, parsed, from, to) -> {
          if (Mutations.REQUIRED.contains(m.field())) {
            assertThat(reason(parsed)).isEqualTo("MISSING_FIELD");
            assertThat(parsed.deadLetter.errorMessage).contains("'" + m.field() + "'");
          } else {
            assertThat(reason(parsed)).isEqualTo("ACCEPTED");
          }
        });
  }

  @Test
  void aFieldOfAnotherTypeIsWrongType() {
    forEachCase(
        Kind.SWAP_TYPE,
        (m, parsed, from, to) -> {
          assertThat(reason(parsed)).isEqualTo("WRONG_TYPE");
          assertThat(parsed.deadLetter.errorMessage).startsWith("field '" + m.field());
        });
  }

  @Test
  void unknownFieldsOfAnyShapeAreSkipped() {
    forEachCase(
        Kind.UNKNOWN_FIELD,
        (m, parsed, from, to) -> assertThat(reason(parsed)).isEqualTo("ACCEPTED"));
  }

  @Test
  void aTruncatedEventIsInvalidJsonOrCutUtf8() {
    forEachCase(
        Kind.TRUNCATE,
        (m, parsed, from, to) -> assertThat(reason(parsed)).isIn("INVALID_JSON", "INVALID_UTF8"));
  }

  @Test
  void anIdentifierIsAcceptedExactlyWhenItIsShortPrintableText() {
    forEachCase(
        Kind.RANDOM_UNICODE,
        (m, parsed, from, to) -> {
          String text = textOf(m);
          String expected =
              text.isBlank()
                  ? "MISSING_FIELD"
                  : text.length() > EventValidator.MAX_TEXT_LENGTH || !printable(text)
                      ? "INVALID_FIELD"
                      : "ACCEPTED";
          assertThat(reason(parsed))
              .as("%s = %s", m.field(), Mutations.string(text))
              .isEqualTo(expected);
        });
  }

  /** One property over {@link #RUNS} mutations of a kind, each from its own reproducible seed. */
  private void forEachCase(Kind kind, Property property) {
    for (int i = 0; i < RUNS; i++) {
      long caseSeed = SEED + 1_000_003L * kind.ordinal() + i;
      long from = System.currentTimeMillis();
      Mutation m = new Mutations(caseSeed).mutate(kind, from, "fuzz-" + i);
      ParsedRecord parsed =
          RawRecords.deserializeOne(deserializer, RawRecords.record(0, i, from, m.payload()));
      try {
        property.check(m, parsed, from, System.currentTimeMillis());
      } catch (Throwable t) {
        throw new AssertionError(
            "case seed "
                + caseSeed
                + " ("
                + kind
                + ": "
                + m.description()
                + ") payload base64 "
                + Base64.getEncoder().encodeToString(m.payload())
                + " gave "
                + (parsed.isRejected() ? parsed.deadLetter : parsed.reading)
                + ": "
                + t.getMessage(),
            t);
      }
    }
  }

  private static String reason(ParsedRecord parsed) {
    return parsed.isRejected() ? parsed.deadLetter.errorCode : "ACCEPTED";
  }

  /** The text the mutation put into its field, read back from the payload. */
  private static String textOf(Mutation m) throws Exception {
    return JSON.readTree(m.payload()).get(m.field()).asText();
  }

  private static boolean printable(String text) {
    boolean pairsOnly =
        new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text);
    return pairsOnly && text.chars().noneMatch(c -> Character.isISOControl(c));
  }

  @FunctionalInterface
  private interface Property {
    void check(Mutation m, ParsedRecord parsed, long from, long to) throws Exception;
  }
}
