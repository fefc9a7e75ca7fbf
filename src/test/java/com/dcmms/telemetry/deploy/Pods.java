package com.dcmms.telemetry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Small look-ups in manifests (pod specs, containers, labels) for the deployment tests. */
final class Pods {
  private Pods() {}

  /** Init containers and containers of a pod spec. */
  static List<JsonNode> containers(JsonNode pod) {
    List<JsonNode> all = new ArrayList<>();
    pod.path("initContainers").forEach(all::add);
    pod.path("containers").forEach(all::add);
    return all;
  }

  /** A container's volume mounts: mount path to volume name. */
  static Map<String, String> mounts(JsonNode container) {
    Map<String, String> mounts = new LinkedHashMap<>();
    container
        .path("volumeMounts")
        .forEach(m -> mounts.put(m.path("mountPath").asText(), m.path("name").asText()));
    return mounts;
  }

  /** The names of the entries of a list (volumes, ports, env). */
  static Set<String> names(JsonNode list) {
    Set<String> names = new TreeSet<>();
    list.forEach(e -> names.add(e.path("name").asText()));
    return names;
  }

  /** The entry of a list (volumes, env) with this name. */
  static JsonNode named(JsonNode list, String name) {
    for (JsonNode e : list) {
      if (e.path("name").asText().equals(name)) {
        return e;
      }
    }
    throw new AssertionError("no entry named " + name + " in " + list);
  }

  /** A string map (labels, a selector) as a Java map. */
  static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
