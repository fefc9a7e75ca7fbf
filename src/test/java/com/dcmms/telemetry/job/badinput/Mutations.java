package com.dcmms.telemetry.job.badinput;

import com.dcmms.telemetry.job.rules.SensorTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of valid events, for the property tests and the job-level fuzz: the same seed
 * gives the same records. An event is a list of fields, each a name and its raw JSON value, so that
 * mutations can work on fields as well as on bytes.
 */
public final class Mutations {
  public static final List<String> REQUIRED =
      List.of(
          "event_id",
          "timestamp",
          "site_id",
          "asset_id",
          "sensor_id",
          "sensor_type",
          "value",
          "unit");
  public static final List<String> REQUIRED_TEXT =
      List.of("event_id", "site_id", "asset_id", "sensor_id", "sensor_type", "unit");
  private static final List<String> TYPES = List.copyOf(SensorTypes.KNOWN);
  private static final List<String> FLAGS = List.copyOf(SensorTypes.QUALITY_FLAGS);

  /** What a mutation does; the field-level ones keep the rest of the event valid. */
  public enum Kind {
    NONE,
    FLIP_BYTES,
    TRUNCATE,
    INSERT_BYTES,
    DELETE_SPAN,
    REPEAT_SPAN,
    SWAP_TYPE,
    DELETE_FIELD,
    RANDOM_VALUE,
    UNKNOWN_FIELD,
    RANDOM_UNICODE
  }

  /** A mutated record; {@code field} is the field a field-level mutation changed. */
  public record Mutation(Kind kind, String field, String description, byte[] payload) {}

  public record Field(String name, String json) {}

  private final Random random;

  public Mutations(long seed) {
    this.random = new Random(seed);
  }

  /** A valid event of this sensor: random, but inside the contract at processing time now. */
  public List<Field> validEvent(long now, String sensor) {
    List<Field> e = new ArrayList<>();
    e.add(new Field("event_id", string("evt-" + sensor + "-" + random.nextInt(1_000_000))));
    long ts = now - 1_000 - random.nextInt(20 * 3_600_000);
    e.add(
        new Field(
            "timestamp",
            random.nextInt(5) == 0
                ? string(Instant.ofEpochMilli(ts).toString())
                : Long.toString(ts)));
    e.add(new Field("site_id", string(pick(List.of("site-1", "Zürich-Süd", "風力-3", "site 4")))));
    e.add(new Field("asset_id", string("asset-" + random.nextInt(50))));
    e.add(new Field("sensor_id", string(sensor)));
    e.add(new Field("sensor_type", string(random.nextInt(8) == 0 ? "WIND_SPEED" : pick(TYPES))));
    e.add(
        new Field(
            "value",
            pick(
                List.of(
                    Double.toString(random.nextGaussian() * 200),
                    Integer.toString(random.nextInt(20_000) - 100),
                    "1e308",
                    "-0.0",
                    "4.9e-324"))));
    e.add(new Field("unit", string(pick(List.of("C", "°C", "kW", "V", "m³/h")))));
    if (random.nextBoolean()) {
      e.add(new Field("quality_flag", string(pick(FLAGS))));
    }
    if (random.nextBoolean()) {
      // Metadata may hold controls (stored escaped) but no unpaired surrogates.
      String note = unicode(12).replaceAll("[\\uD800-\\uDFFF]", "");
      e.add(new Field("metadata", "{\"note\":" + string(note) + "}"));
    }
    java.util.Collections.shuffle(e, random);
    return e;
  }

  public Mutation mutate(Kind kind, long now, String sensor) {
    List<Field> e = validEvent(now, sensor);
    byte[] bytes = render(e);
    int at = random.nextInt(bytes.length);
    return switch (kind) {
      case NONE -> new Mutation(kind, null, "unchanged", bytes);
      case FLIP_BYTES -> {
        byte[] b = bytes.clone();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        yield new Mutation(kind, null, "bytes flipped", b);
      }
      case TRUNCATE ->
          new Mutation(
              kind,
              null,
              "cut to " + (at + 1) + " bytes",
              java.util.Arrays.copyOf(bytes, Math.max(1, at)));
      case INSERT_BYTES -> {
        byte[] insert =
            random.nextBoolean()
                ? utf8(
                    pick(
                        List.of(
                            "{", "}", "[", "\"", ",", ":", "null", "\\", "\u0000", "\uFEFF", "NaN",
                            "-", "1e999")))
                : randomBytes(1 + random.nextInt(8));
        yield new Mutation(kind, null, "inserted at " + at, splice(bytes, at, at, insert));
      }
      case DELETE_SPAN ->
          new Mutation(
              kind,
              null,
              "span deleted at " + at,
              splice(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(12)), new byte[0]));
      case REPEAT_SPAN -> {
        int end = Math.min(bytes.length, at + 1 + random.nextInt(20));
        yield new Mutation(
            kind,
            null,
            "span repeated at " + at,
            splice(bytes, end, end, java.util.Arrays.copyOfRange(bytes, at, end)));
      }
      case SWAP_TYPE -> {
        Field f = e.get(random.nextInt(e.size()));
        String wrong = wrongTypeFor(f.name());
        yield fieldMutation(
            kind, e, f.name(), wrong, "type of " + f.name() + " swapped to " + wrong);
      }
      case DELETE_FIELD -> {
        Field f = e.remove(random.nextInt(e.size()));
        yield new Mutation(kind, f.name(), f.name() + " deleted", render(e));
      }
      case RANDOM_VALUE -> {
        String name = pick(e).name();
        yield fieldMutation(kind, e, name, json(3), name + " set to a random JSON value");
      }
      case UNKNOWN_FIELD -> {
        e.add(
            random.nextInt(e.size() + 1),
            new Field("x_" + random.nextInt(1_000) + "_extra", json(4)));
        yield new Mutation(kind, null, "unknown field added", render(e));
      }
      case RANDOM_UNICODE -> {
        String name = pick(REQUIRED_TEXT);
        yield fieldMutation(
            kind, e, name, string(unicode(1 + random.nextInt(300))), name + " set to random text");
      }
    };
  }

  /** A mutation of a random kind. */
  public Mutation any(long now, String sensor) {
    Kind[] kinds = Kind.values();
    return mutate(kinds[random.nextInt(kinds.length)], now, sensor);
  }

  private Mutation fieldMutation(Kind kind, List<Field> e, String name, String json, String what) {
    e.replaceAll(f -> f.name().equals(name) ? new Field(name, json) : f);
    return new Mutation(kind, name, what, render(e));
  }

  public static byte[] render(List<Field> event) {
    StringBuilder b = new StringBuilder("{");
    for (Field f : event) {
      b.append(b.length() > 1 ? "," : "").append(string(f.name())).append(':').append(f.json());
    }
    return utf8(b.append('}').toString());
  }

  /** A value of a type the contract never accepts for this field (null aside). */
  private String wrongTypeFor(String field) {
    return switch (field) {
      case "value" -> pick(List.of("\"12.5\"", "true", "[1]", "{\"v\":1}"));
      case "timestamp" -> pick(List.of("false", "[1700000000000]", "{}"));
      case "metadata" -> pick(List.of("\"k=v\"", "7", "true", "[\"k\"]"));
      default -> pick(List.of("12", "1.5", "true", "[\"x\"]", "{\"id\":\"x\"}"));
    };
  }

  /** Random JSON: scalars of every type (extreme numbers too), arrays and objects. */
  String json(int depth) {
    int choice = random.nextInt(depth > 0 ? 9 : 7);
    return switch (choice) {
      case 0 -> "null";
      case 1 -> Boolean.toString(random.nextBoolean());
      case 2 -> Long.toString(random.nextLong());
      case 3 ->
          pick(
              List.of(
                  "NaN",
                  "Infinity",
                  "-Infinity",
                  "1e400",
                  "-0.0",
                  "4.9e-324",
                  "123456789012345678901234567890",
                  Double.toString(random.nextDouble() * 1e6)));
      case 4, 5 -> string(unicode(random.nextInt(20)));
      case 6 -> string(Instant.ofEpochMilli(random.nextLong() >>> 20).toString());
      case 7 -> {
        List<String> items = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          items.add(json(depth - 1));
        }
        yield "[" + String.join(",", items) + "]";
      }
      default -> {
        List<String> members = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          members.add(string("k" + i) + ":" + json(depth - 1)); // distinct keys: k3, k2, k1
        }
        yield "{" + String.join(",", members) + "}";
      }
    };
  }

  /** Random text: ASCII, accents, CJK, emoji, controls, lone surrogates, BOM, bidi marks. */
  String unicode(int length) {
    StringBuilder b = new StringBuilder();
    while (b.length() < length) {
      switch (random.nextInt(10)) {
        case 0 -> b.append((char) random.nextInt(0x20));
        case 1 -> b.append((char) (0xD800 + random.nextInt(0x800)));
        case 2 -> b.appendCodePoint(0x1F300 + random.nextInt(0x300));
        case 3 -> b.append(pick(List.of("\uFEFF", "\u202E", "\u0301", "\u007F", "\u0085", " ")));
        case 4 -> b.append((char) (0x4E00 + random.nextInt(0x5000)));
        case 5 -> b.append((char) (0xA0 + random.nextInt(0x160)));
        default -> b.append((char) (0x21 + random.nextInt(0x5E)));
      }
    }
    return b.toString();
  }

  /** A JSON string literal; controls and every surrogate escaped, so the bytes stay UTF-8. */
  public static String string(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] splice(byte[] bytes, int from, int to, byte[] insert) {
    byte[] out = new byte[bytes.length - (to - from) + insert.length];
    System.arraycopy(bytes, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(bytes, to, out, from + insert.length, bytes.length - to);
    return out;
  }

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
