package com.dcmms.telemetry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;

/**
 * Hand-written allow-lists of the core Kubernetes fields this project uses, as structural schemas
 * for {@link StructuralSchema}. Deliberately small: a field that is not listed fails the build, so
 * a typo ({@code readinesProbe}) cannot slip through; a field we start to use is added here,
 * checked against the Kubernetes API reference.
 */
final class CoreKinds {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** A Kubernetes resource quantity: 2, 0.5, 500m, 4Gi, 1e3 (not 2GB, not 4 Gi). */
  private static final String QUANTITY_PATTERN =
      "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$";

  private static final ObjectNode METADATA =
      object(
          "name",
          string(),
          "namespace",
          string(),
          "labels",
          mapOf(string()),
          "annotations",
          mapOf(string()));

  private CoreKinds() {}

  /** The schema of a core kind, or empty for a kind this list does not cover. */
  static Optional<JsonNode> schema(String kind) {
    return Optional.ofNullable(SCHEMAS.get(kind));
  }

  /** Metadata as every kind has it; CRD schemas leave it out, so it is added to theirs. */
  static ObjectNode metadata() {
    return METADATA.deepCopy();
  }

  private static final Map<String, JsonNode> SCHEMAS =
      Map.of(
          "Deployment",
              resource(
                  "apps/v1",
                  "Deployment",
                  object(
                      "replicas",
                      integer(),
                      "selector",
                      object("matchLabels", mapOf(string())),
                      "strategy",
                      object(
                          "type",
                          oneOf("Recreate", "RollingUpdate"),
                          "rollingUpdate",
                          object("maxSurge", intOrString(), "maxUnavailable", intOrString())),
                      "revisionHistoryLimit",
                      integer(),
                      "template",
                      podTemplate())),
          "Service",
              resource(
                  "v1",
                  "Service",
                  object(
                      "type",
                      oneOf("ClusterIP", "NodePort", "LoadBalancer"),
                      "selector",
                      mapOf(string()),
                      "clusterIP",
                      string(),
                      "ports",
                      listOf(
                          object(
                              "name",
                              string(),
                              "port",
                              integer(),
                              "targetPort",
                              intOrString(),
                              "nodePort",
                              integer(),
                              "protocol",
                              protocol())))),
          "ConfigMap",
              object(
                  "apiVersion",
                  oneOf("v1"),
                  "kind",
                  oneOf("ConfigMap"),
                  "metadata",
                  METADATA,
                  "data",
                  mapOf(string()),
                  "immutable",
                  bool()),
          "Secret",
              object(
                  "apiVersion",
                  oneOf("v1"),
                  "kind",
                  oneOf("Secret"),
                  "metadata",
                  METADATA,
                  "type",
                  string(),
                  "data",
                  mapOf(string()),
                  "stringData",
                  mapOf(string()),
                  "immutable",
                  bool()),
          "PersistentVolumeClaim",
              resource(
                  "v1",
                  "PersistentVolumeClaim",
                  object(
                      "accessModes",
                      listOf(
                          oneOf(
                              "ReadWriteOnce",
                              "ReadOnlyMany",
                              "ReadWriteMany",
                              "ReadWriteOncePod")),
                      "resources",
                      object("requests", mapOf(quantity())),
                      "storageClassName",
                      string(),
                      "volumeMode",
                      oneOf("Filesystem", "Block"))));

  private static ObjectNode resource(String apiVersion, String kind, ObjectNode spec) {
    return object(
        "apiVersion", oneOf(apiVersion), "kind", oneOf(kind), "metadata", METADATA, "spec", spec);
  }

  private static ObjectNode podTemplate() {
    ObjectNode seccomp =
        object(
            "type",
            oneOf("RuntimeDefault", "Localhost", "Unconfined"),
            "localhostProfile",
            string());
    ObjectNode keyRef = object("name", string(), "key", string(), "optional", bool());
    ObjectNode container =
        object(
            "name",
            string(),
            "image",
            string(),
            "imagePullPolicy",
            oneOf("Always", "IfNotPresent", "Never"),
            "command",
            listOf(string()),
            "args",
            listOf(string()),
            "workingDir",
            string(),
            "ports",
            listOf(object("name", string(), "containerPort", integer(), "protocol", protocol())),
            "env",
            listOf(
                object(
                    "name",
                    string(),
                    "value",
                    string(),
                    "valueFrom",
                    object(
                        "secretKeyRef",
                        keyRef,
                        "configMapKeyRef",
                        keyRef,
                        "fieldRef",
                        object("fieldPath", string(), "apiVersion", string())))),
            "envFrom",
            listOf(
                object(
                    "prefix",
                    string(),
                    "configMapRef",
                    object("name", string(), "optional", bool()),
                    "secretRef",
                    object("name", string(), "optional", bool()))),
            "resources",
            object("requests", mapOf(quantity()), "limits", mapOf(quantity())),
            "volumeMounts",
            listOf(
                object(
                    "name",
                    string(),
                    "mountPath",
                    string(),
                    "readOnly",
                    bool(),
                    "subPath",
                    string())),
            "startupProbe",
            probe(),
            "livenessProbe",
            probe(),
            "readinessProbe",
            probe(),
            "securityContext",
            object(
                "runAsNonRoot",
                bool(),
                "runAsUser",
                integer(),
                "runAsGroup",
                integer(),
                "readOnlyRootFilesystem",
                bool(),
                "allowPrivilegeEscalation",
                bool(),
                "privileged",
                bool(),
                "capabilities",
                object("add", listOf(string()), "drop", listOf(string())),
                "seccompProfile",
                seccomp));
    ObjectNode volume =
        object(
            "name",
            string(),
            "emptyDir",
            object("medium", string(), "sizeLimit", quantity()),
            "configMap",
            object(
                "name",
                string(),
                "optional",
                bool(),
                "defaultMode",
                integer(),
                "items",
                listOf(object("key", string(), "path", string()))),
            "secret",
            object(
                "secretName",
                string(),
                "optional",
                bool(),
                "defaultMode",
                integer(),
                "items",
                listOf(object("key", string(), "path", string()))),
            "persistentVolumeClaim",
            object("claimName", string(), "readOnly", bool()));
    ObjectNode podSpec =
        object(
            "containers",
            listOf(container),
            "initContainers",
            listOf(container),
            "volumes",
            listOf(volume),
            "serviceAccountName",
            string(),
            "automountServiceAccountToken",
            bool(),
            "terminationGracePeriodSeconds",
            integer(),
            "nodeSelector",
            mapOf(string()),
            "securityContext",
            object(
                "runAsNonRoot",
                bool(),
                "runAsUser",
                integer(),
                "runAsGroup",
                integer(),
                "fsGroup",
                integer(),
                "fsGroupChangePolicy",
                oneOf("OnRootMismatch", "Always"),
                "seccompProfile",
                seccomp));
    return object("metadata", METADATA, "spec", podSpec);
  }

  private static ObjectNode probe() {
    return object(
        "httpGet",
        object("path", string(), "port", intOrString(), "scheme", oneOf("HTTP", "HTTPS")),
        "tcpSocket",
        object("port", intOrString()),
        "exec",
        object("command", listOf(string())),
        "initialDelaySeconds",
        integer(),
        "periodSeconds",
        integer(),
        "timeoutSeconds",
        integer(),
        "successThreshold",
        integer(),
        "failureThreshold",
        integer());
  }

  private static ObjectNode object(Object... namesAndSchemas) {
    ObjectNode properties = F.objectNode();
    for (int i = 0; i < namesAndSchemas.length; i += 2) {
      properties.set((String) namesAndSchemas[i], (JsonNode) namesAndSchemas[i + 1]);
    }
    ObjectNode schema = F.objectNode().put("type", "object");
    schema.set("properties", properties);
    return schema;
  }

  private static ObjectNode mapOf(JsonNode values) {
    ObjectNode schema = F.objectNode().put("type", "object");
    schema.set("additionalProperties", values);
    return schema;
  }

  private static ObjectNode listOf(JsonNode items) {
    ObjectNode schema = F.objectNode().put("type", "array");
    schema.set("items", items);
    return schema;
  }

  private static ObjectNode oneOf(String... values) {
    ArrayNode allowed = F.arrayNode();
    for (String v : values) {
      allowed.add(v);
    }
    ObjectNode schema = string();
    schema.set("enum", allowed);
    return schema;
  }

  private static ObjectNode protocol() {
    return oneOf("TCP", "UDP", "SCTP");
  }

  private static ObjectNode quantity() {
    ArrayNode forms = F.arrayNode();
    forms.add(F.objectNode().put("type", "number"));
    forms.add(string().put("pattern", QUANTITY_PATTERN));
    ObjectNode schema = F.objectNode();
    schema.set("anyOf", forms);
    return schema;
  }

  private static ObjectNode intOrString() {
    return F.objectNode().put("x-kubernetes-int-or-string", true);
  }

  private static ObjectNode string() {
    return F.objectNode().put("type", "string");
  }

  private static ObjectNode integer() {
    return F.objectNode().put("type", "integer");
  }

  private static ObjectNode bool() {
    return F.objectNode().put("type", "boolean");
  }
}
