package com.dcmms.telemetry.job.badinput;

import static com.dcmms.telemetry.job.badinput.BadInputCase.ACCEPTED;

import com.dcmms.telemetry.job.rules.EventValidator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * The cases of the corpus that are binary (invalid UTF-8, BOMs, other encodings) or too big or deep
 * to keep as files; each is still a named case with its expected outcome.
 */
final class GeneratedCases {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final int MIB = EventValidator.MAX_RECORD_BYTES;

  private GeneratedCases() {}

  static List<BadInputCase> all() {
    List<BadInputCase> c = new ArrayList<>();
    c.add(
        rejected(
            "empty",
            "kafka-record-without-value",
            "EMPTY_RECORD",
            "record is empty",
            "A Kafka record whose value is null (a tombstone).",
            now -> null));

    String utf8 = "INVALID_UTF8";
    String notUtf8 = "record is not valid UTF-8 text";
    c.add(
        rejected(
            "encoding",
            "invalid-utf8-ff-byte",
            utf8,
            notUtf8,
            "The byte 0xFF, which UTF-8 never uses.",
            now -> inSiteId(now, 0xFF)));
    c.add(
        rejected(
            "encoding",
            "invalid-utf8-lone-continuation-byte",
            utf8,
            notUtf8,
            "A continuation byte with no lead byte.",
            now -> inSiteId(now, 0x80)));
    c.add(
        rejected(
            "encoding",
            "invalid-utf8-overlong-encoding",
            utf8,
            notUtf8,
            "'/' in two bytes (overlong), a classic filter bypass.",
            now -> inSiteId(now, 0xC0, 0xAF)));
    c.add(
        rejected(
            "encoding",
            "invalid-utf8-encoded-surrogate",
            utf8,
            notUtf8,
            "U+D800 encoded as if it were a character (CESU-8).",
            now -> inSiteId(now, 0xED, 0xA0, 0x80)));
    c.add(
        rejected(
            "encoding",
            "invalid-utf8-above-u10ffff",
            utf8,
            notUtf8,
            "A code point beyond Unicode.",
            now -> inSiteId(now, 0xF4, 0x90, 0x80, 0x80)));
    c.add(
        rejected(
            "encoding",
            "invalid-utf8-cut-at-end",
            utf8,
            notUtf8,
            "A record ending in the middle of a three-byte character.",
            now ->
                concat(
                    event(now, "invalid-utf8-cut-at-end", ""),
                    new byte[] {(byte) 0xE2, (byte) 0x82})));
    c.add(
        rejected(
            "encoding",
            "latin-1-text",
            utf8,
            notUtf8,
            "Text in ISO-8859-1: 'ü' as the single byte 0xFC.",
            now -> text(now, "latin-1-text", ",\"note\":\"Zürich\"", StandardCharsets.ISO_8859_1)));
    c.add(
        rejected(
            "encoding",
            "utf-16le-with-bom",
            utf8,
            notUtf8,
            "The event in UTF-16 little-endian with its byte order mark.",
            now ->
                concat(
                    new byte[] {(byte) 0xFF, (byte) 0xFE},
                    text(now, "utf-16le-with-bom", "", StandardCharsets.UTF_16LE))));
    c.add(
        rejected(
            "encoding",
            "utf-16be-without-bom",
            "INVALID_JSON",
            "NUL byte at byte 0",
            "The event in UTF-16 big-endian: valid UTF-8 bytes, but NULs everywhere.",
            now -> text(now, "utf-16be-without-bom", "", StandardCharsets.UTF_16BE)));
    c.add(
        rejected(
            "encoding",
            "utf-32",
            "INVALID_JSON",
            "UTF-16 or UTF-32 text is not accepted",
            "The event in UTF-32.",
            now -> text(now, "utf-32", "", Charset.forName("UTF-32BE"))));
    c.add(
        rejected(
            "encoding",
            "nul-byte-between-fields",
            "INVALID_JSON",
            "NUL byte at byte 1",
            "A raw NUL byte in the JSON (outside any string).",
            now ->
                concat(new byte[] {'{', 0}, slice(event(now, "nul-byte-between-fields", ""), 1))));
    c.add(
        accepted(
            "encoding",
            "utf-8-bom",
            "GOOD",
            "A UTF-8 byte order mark: RFC 8259 lets parsers ignore it, and we do.",
            now -> concat(BOM, event(now, "utf-8-bom", ""))));
    c.add(
        rejected(
            "encoding",
            "two-utf-8-boms",
            "INVALID_JSON",
            "a second byte order mark",
            "Two byte order marks: only one, at the very start, is ignored.",
            now -> concat(concat(BOM, BOM), event(now, "two-utf-8-boms", ""))));

    c.add(
        rejected(
            "text",
            "raw-control-character-in-string",
            "INVALID_JSON",
            "Illegal unquoted character ((CTRL-CHAR, code 1))",
            "A raw, unescaped control character (0x01) inside a string.",
            now -> inSiteId(now, 0x01)));
    c.add(
        rejected(
            "text",
            "site-id-of-100000-characters",
            "INVALID_FIELD",
            "field 'site_id' is 100000 characters long; at most 256 are accepted",
            "A very long identifier.",
            now -> withSiteId(now, "site-of-100k", "s".repeat(100_000))));
    c.add(
        rejected(
            "text",
            "field-name-of-60000-characters",
            "INVALID_JSON",
            "exceeds the maximum allowed (50000",
            "An unknown field with a 60 000-character name.",
            now -> event(now, "long-name", ",\"" + "n".repeat(60_000) + "\":1")));
    c.add(
        rejected(
            "text",
            "metadata-over-64-kib",
            "INVALID_FIELD",
            "field 'metadata' is 70011 characters long as JSON; at most 65536 are accepted",
            "Metadata too big to republish safely.",
            now ->
                event(
                    now,
                    "big-metadata",
                    ",\"metadata\":{\"blob\":\"" + "m".repeat(70_000) + "\"}")));

    c.add(
        accepted(
            "nesting",
            "unknown-field-999-deep",
            "GOOD",
            "Nesting just inside Jackson's limit of 1000, in a field that is skipped.",
            now ->
                event(
                    now,
                    "unknown-field-999-deep",
                    ",\"deep\":" + "[".repeat(998) + "]".repeat(998))));
    c.add(
        rejected(
            "nesting",
            "unknown-field-1001-deep",
            "INVALID_JSON",
            "Document nesting depth (1001) exceeds the maximum allowed (1000",
            "Nesting past the parser's limit.",
            now -> event(now, "deep", ",\"deep\":" + "[".repeat(1_000) + "]".repeat(1_000))));
    c.add(
        rejected(
            "nesting",
            "metadata-nested-500-deep",
            "WRONG_TYPE",
            "field 'metadata.a' must be a string, got an object",
            "Deeply nested metadata.",
            now ->
                event(
                    now,
                    "deep-metadata",
                    ",\"metadata\":{\"a\":"
                        + "{\"a\":".repeat(499)
                        + "\"x\""
                        + "}".repeat(500)
                        + "}")));
    c.add(
        rejected(
            "nesting",
            "array-100000-deep",
            "NOT_AN_OBJECT",
            "record must be a JSON object, got an array",
            "A record of nothing but nested arrays.",
            now ->
                ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.US_ASCII)));

    c.add(
        rejected(
            "numbers",
            "value-5000-digit-integer",
            "INVALID_JSON",
            "exceeds the maximum allowed (1000",
            "A number longer than the parser reads.",
            now ->
                eventText(now, "long-number", "")
                    .replace("21.5", "9".repeat(5_000))
                    .getBytes(StandardCharsets.UTF_8)));

    c.add(
        rejected(
            "size",
            "valid-event-over-1-mib",
            "RECORD_TOO_LARGE",
            "record is 1258291 bytes; at most 1048576 (1 MiB) are accepted",
            "A valid event padded past 1 MiB with an unknown field.",
            now -> padded(event(now, "valid-event-over-1-mib", ""), MIB + MIB / 5)));
    c.add(
        rejected(
            "size",
            "binary-over-1-mib",
            "RECORD_TOO_LARGE",
            "record is 1572864 bytes",
            "1.5 MiB of random bytes; its dead letter is base64.",
            now -> {
              byte[] b = new byte[MIB + MIB / 2];
              new Random(7).nextBytes(b);
              b[0] = (byte) 0xFF;
              return b;
            }));
    c.add(
        rejected(
            "size",
            "multi-byte-text-over-1-mib",
            "RECORD_TOO_LARGE",
            "record is 1500002 bytes",
            "Three-byte characters past 1 MiB: the dead letter's text never ends in half a character.",
            now -> ("\"" + "€".repeat(500_000) + "\"").getBytes(StandardCharsets.UTF_8)));
    c.add(
        rejected(
            "size",
            "invalid-json-over-64-kib",
            "INVALID_JSON",
            "record has content after the end of the JSON object",
            "Under 1 MiB but over the dead letter's 64 KiB: kept as a prefix with its size.",
            now ->
                concat(
                    event(now, "trailing", ""),
                    " {}".repeat(35_000).getBytes(StandardCharsets.UTF_8))));
    c.add(
        accepted(
            "size",
            "valid-event-of-exactly-1-mib",
            "GOOD",
            "The largest accepted record.",
            now -> padded(event(now, "valid-event-of-exactly-1-mib", ""), MIB)));
    return c;
  }

  private static BadInputCase rejected(
      String category,
      String name,
      String reason,
      String message,
      String about,
      LongFunction<byte[]> payload) {
    return new BadInputCase(category, name, about, reason, message, null, payload);
  }

  private static BadInputCase accepted(
      String category, String name, String quality, String about, LongFunction<byte[]> payload) {
    return new BadInputCase(category, name, about, ACCEPTED, "", quality, payload);
  }

  /** A valid event of sensor {@code sensor} one minute before {@code now}, with extra fields. */
  static byte[] event(long now, String sensor, String extraFields) {
    return eventText(now, sensor, extraFields).getBytes(StandardCharsets.UTF_8);
  }

  private static String eventText(long now, String sensor, String extraFields) {
    return "{\"event_id\":\"evt-"
        + sensor
        + "\",\"timestamp\":"
        + (now - 60_000)
        + ",\"site_id\":\"site-corpus\",\"asset_id\":\"asset-1\",\"sensor_id\":\""
        + sensor
        + "\",\"sensor_type\":\"TEMPERATURE\",\"value\":21.5,\"unit\":\"C\""
        + extraFields
        + "}";
  }

  private static byte[] text(long now, String sensor, String extra, Charset charset) {
    return eventText(now, sensor, extra).getBytes(charset);
  }

  private static byte[] withSiteId(long now, String sensor, String siteId) {
    return eventText(now, sensor, "")
        .replace("site-corpus", siteId)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** A valid event with these raw bytes in the middle of its site_id. */
  private static byte[] inSiteId(long now, int... bytes) {
    byte[] bad = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      bad[i] = (byte) bytes[i];
    }
    String[] halves =
        eventText(now, "bytes-" + Integer.toHexString(bytes[0]), "").split("site-corpus");
    return concat(
        concat(halves[0].getBytes(StandardCharsets.UTF_8), bad),
        halves[1].getBytes(StandardCharsets.UTF_8));
  }

  /** The event with an unknown "padding" field that makes it exactly {@code size} bytes. */
  private static byte[] padded(byte[] event, int size) {
    String prefix = ",\"padding\":\"";
    int fill = size - event.length - prefix.length() - 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    out.write(event, 0, event.length - 1);
    out.writeBytes((prefix + "p".repeat(fill) + "\"}").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static byte[] slice(byte[] bytes, int from) {
    return java.util.Arrays.copyOfRange(bytes, from, bytes.length);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
