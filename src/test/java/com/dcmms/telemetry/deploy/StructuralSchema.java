package com.dcmms.telemetry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a document against an OpenAPI v3 schema as the Kubernetes API server does with a
 * structural schema: an object is closed (an unknown field is an error) unless it is marked {@code
 * x-kubernetes-preserve-unknown-fields}, and types, enums and patterns must match.
 *
 * <p>It understands what CRDs and our own allow-lists use: type, properties, additionalProperties,
 * items, enum, pattern, anyOf and x-kubernetes-int-or-string.
 */
final class StructuralSchema {
  private final JsonNode root;

  StructuralSchema(JsonNode root) {
    this.root = root;
  }

  /** Every mismatch, each with the path of the field; empty when the document conforms. */
  List<String> violations(JsonNode document) {
    List<String> out = new ArrayList<>();
    check(root, document, "", out);
    return out;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> out) {
    String at = at(path);
    if (value.isNull()) {
      // `emptyDir:` with nothing after it is null, not {}: the API server refuses it.
      out.add(at + ": null; write {} or [] for an empty value, or leave the field out");
      return;
    }
    if (schema.has("anyOf")) {
      checkAnyOf(schema.get("anyOf"), value, at, out);
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        out.add(at + ": expected an integer or a string, found " + describe(value));
      }
      return;
    }
    if (schema.has("enum") && !contains(schema.get("enum"), value)) {
      out.add(at + ": " + describe(value) + " is not one of " + schema.get("enum"));
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> checkObject(schema, value, path, out);
      case "array" -> checkArray(schema, value, path, out);
      case "string" -> checkString(schema, value, at, out);
      case "integer" -> expect(value.isIntegralNumber(), "an integer", value, at, out);
      case "number" -> expect(value.isNumber(), "a number", value, at, out);
      case "boolean" -> expect(value.isBoolean(), "a boolean", value, at, out);
      default -> {
        // No type: anything goes where unknown fields are preserved (flinkConfiguration).
        if (schema.has("properties")) {
          checkObject(schema, value, path, out);
        }
      }
    }
  }

  private static void checkObject(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (!value.isObject()) {
      out.add(at(path) + ": expected an object, found " + describe(value));
      return;
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.get("additionalProperties");
    boolean open =
        schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
            || (additional != null && additional.isBoolean() && additional.asBoolean());
    for (Map.Entry<String, JsonNode> field : iterable(value)) {
      String name = field.getKey();
      String fieldPath = path.isEmpty() ? name : path + "." + name;
      if (properties.has(name)) {
        check(properties.get(name), field.getValue(), fieldPath, out);
      } else if (additional != null && additional.isObject()) {
        check(additional, field.getValue(), fieldPath, out);
      } else if (!open) {
        out.add(
            at(path)
                + ": unknown field '"
                + name
                + "'; known here: "
                + new TreeSet<>(names(properties)));
      }
    }
  }

  private static void checkArray(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (!value.isArray()) {
      out.add(at(path) + ": expected a list, found " + describe(value));
      return;
    }
    for (int i = 0; i < value.size(); i++) {
      check(schema.path("items"), value.get(i), path + "[" + i + "]", out);
    }
  }

  private static void checkString(JsonNode schema, JsonNode value, String at, List<String> out) {
    if (!value.isTextual()) {
      out.add(at + ": expected a string, found " + describe(value) + " (quote it)");
    } else if (schema.has("pattern")
        && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
      out.add(at + ": " + describe(value) + " does not match " + schema.get("pattern").asText());
    }
  }

  private static void checkAnyOf(JsonNode branches, JsonNode value, String at, List<String> out) {
    List<String> reasons = new ArrayList<>();
    for (JsonNode branch : branches) {
      List<String> branchViolations = new ArrayList<>();
      check(branch, value, at, branchViolations);
      if (branchViolations.isEmpty()) {
        return;
      }
      reasons.addAll(branchViolations);
    }
    out.add(at + ": matches none of the allowed forms: " + reasons);
  }

  private static void expect(boolean ok, String what, JsonNode value, String at, List<String> out) {
    if (!ok) {
      out.add(at + ": expected " + what + ", found " + describe(value));
    }
  }

  private static boolean contains(JsonNode allowed, JsonNode value) {
    for (JsonNode a : allowed) {
      if (a.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String at(String path) {
    return path.isEmpty() ? "(document)" : path;
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "'" + value.asText() + "'";
    }
    if (value.isContainerNode()) {
      return value.isObject() ? "an object" : "a list";
    }
    return value.toString();
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }

  private static List<String> names(JsonNode properties) {
    List<String> names = new ArrayList<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
