package com.dcmms.telemetry.deploy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The project's Kubernetes manifests, read as the API server would receive them, and their schemas.
 */
final class Manifests {
  static final Path K8S = Path.of("k8s");

  /** The operator's CRD, kept with the tests (its origin and licence in the folder's README). */
  static final Path FLINK_DEPLOYMENT_CRD =
      Path.of("src", "test", "resources", "k8s-crds", "flinkdeployments.flink.apache.org-v1.yml");

  /** Duplicate keys are refused: the API server's YAML decoder refuses them too. */
  static final YAMLMapper YAML =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  /** One document of a manifest file. */
  record Manifest(Path file, JsonNode doc) {
    String kind() {
      return doc.path("kind").asText();
    }

    String name() {
      return doc.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return file + " (" + kind() + " " + name() + ")";
    }
  }

  private Manifests() {}

  /** Every document of every .yaml/.yml file under k8s/, in file order. */
  static List<Manifest> all() {
    try (Stream<Path> files = Files.walk(K8S)) {
      List<Manifest> manifests = new ArrayList<>();
      for (Path file : files.filter(Manifests::isYaml).sorted().collect(Collectors.toList())) {
        parse(Files.readString(file)).forEach(doc -> manifests.add(new Manifest(file, doc)));
      }
      return manifests;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Manifest> ofKind(String kind) {
    return all().stream().filter(m -> m.kind().equals(kind)).collect(Collectors.toList());
  }

  static Manifest named(String kind, String name) {
    return ofKind(kind).stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " under " + K8S));
  }

  /** The documents of a multi-document YAML text; empty documents (a trailing ---) are skipped. */
  static List<JsonNode> parse(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  /** What is wrong with a core-kind document; a kind without an allow-list is itself wrong. */
  static List<String> coreViolations(JsonNode doc) {
    String kind = doc.path("kind").asText();
    return CoreKinds.schema(kind)
        .map(schema -> new StructuralSchema(schema).violations(doc))
        .orElseGet(() -> List.of("kind '" + kind + "' has no allow-list: add it to CoreKinds"));
  }

  /** The FlinkDeployment schema of the operator's CRD, when the CRD file is there. */
  static synchronized Optional<StructuralSchema> flinkDeploymentSchema() {
    // Half a megabyte of YAML: read once per test run.
    if (flinkDeploymentSchema == null) {
      flinkDeploymentSchema = readFlinkDeploymentSchema();
    }
    return flinkDeploymentSchema;
  }

  private static Optional<StructuralSchema> flinkDeploymentSchema;

  private static Optional<StructuralSchema> readFlinkDeploymentSchema() {
    if (!Files.isRegularFile(FLINK_DEPLOYMENT_CRD)) {
      return Optional.empty();
    }
    try {
      JsonNode crd = YAML.readTree(FLINK_DEPLOYMENT_CRD.toFile());
      String group = crd.path("spec").path("group").asText();
      JsonNode version = null;
      for (JsonNode v : crd.path("spec").path("versions")) {
        if (v.path("served").asBoolean(false) && v.path("storage").asBoolean(false)) {
          version = v;
        }
      }
      if (version == null) {
        throw new IllegalStateException(FLINK_DEPLOYMENT_CRD + " serves no storage version");
      }
      // The API server adds apiVersion, kind and metadata to every CRD's schema.
      ObjectNode schema = version.path("schema").path("openAPIV3Schema").deepCopy();
      ObjectNode properties = (ObjectNode) schema.get("properties");
      properties.set("apiVersion", enumOf(group + "/" + version.path("name").asText()));
      properties.set("kind", enumOf(crd.path("spec").path("names").path("kind").asText()));
      properties.set("metadata", CoreKinds.metadata());
      return Optional.of(new StructuralSchema(schema));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode enumOf(String value) {
    ObjectNode schema = JsonNodeFactory.instance.objectNode().put("type", "string");
    schema.putArray("enum").add(value);
    return schema;
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }
}
