package com.dcmms.telemetry.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The event contract's JSON Schemas under {@code docs/schemas}, loaded with a JSON Schema validator
 * (draft 2020-12), for tests that hold the pipeline's input and output to them.
 */
public final class ContractSchemas {
  public static final Path DIR = Path.of("docs", "schemas");
  public static final String RAW_EVENT = "raw-event.schema.json";
  public static final String VALIDATED_TELEMETRY = "validated-telemetry.schema.json";
  public static final String DEAD_LETTER = "dead-letter.schema.json";

  /** Strict JSON: a duplicate key fails the parse instead of keeping the last value. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * JSON as the validator reads raw events: NaN and Infinity are numbers there, so that a value of
   * NaN is NON_FINITE_VALUE and one in an unknown field is skipped like any other.
   */
  private static final ObjectMapper AS_THE_VALIDATOR_READS =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private ContractSchemas() {}

  public static Schema load(String name) {
    try {
      return REGISTRY.getSchema(Files.readString(DIR.resolve(name)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DIR.resolve(name), e);
    }
  }

  /** The schema's errors for a JSON document; empty when it matches. */
  public static List<String> errors(Schema schema, JsonNode document) {
    return schema.validate(document).stream().map(Error::toString).toList();
  }

  /** Parses strict JSON; throws on anything else. */
  public static JsonNode parse(byte[] json) throws IOException {
    return JSON.readTree(json);
  }

  /** Parses a raw event as the validator does (non-numeric numbers allowed). */
  public static JsonNode parseRawEvent(byte[] json) throws IOException {
    return AS_THE_VALIDATOR_READS.readTree(json);
  }

  /** Asserts that {@code json} is strict JSON matching {@code schema}: what the job writes. */
  public static void assertMatches(Schema schema, byte[] json, String what) {
    JsonNode document;
    try {
      document = parse(json);
    } catch (IOException e) {
      throw new AssertionError(what + " is not JSON: " + e.getMessage(), e);
    }
    assertThat(errors(schema, document)).as("%s: %s", what, document).isEmpty();
  }

  /** Asserts that a raw event, read as the validator reads it, matches {@code schema}. */
  public static void assertRawEventMatches(Schema schema, byte[] json, String what) {
    JsonNode document;
    try {
      document = parseRawEvent(json);
    } catch (IOException e) {
      throw new AssertionError(what + " is not JSON: " + e.getMessage(), e);
    }
    assertThat(errors(schema, document)).as("%s: %s", what, document).isEmpty();
  }
}
