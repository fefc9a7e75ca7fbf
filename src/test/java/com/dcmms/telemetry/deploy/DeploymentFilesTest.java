package com.dcmms.telemetry.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.dcmms.telemetry.deploy.Manifests.Manifest;
import com.dcmms.telemetry.docs.ConfigurationReference;
import com.dcmms.telemetry.job.JobOption;
import com.dcmms.telemetry.job.JobOptionDefinitions;
import com.dcmms.telemetry.job.TelemetryJobOptions;
import com.dcmms.telemetry.monitoring.MonitoringFiles;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment files say what the design says, and pass the checks the real tools would make. */
class DeploymentFilesTest {
  static final Path COMPOSE = Path.of("docker", "docker-compose.yml");
  static final Path EDGE_IMAGE = Path.of("docker", "Dockerfile");
  static final Path JOB_IMAGE = Path.of("docker", "flink", "Dockerfile");
  static final String JOB_JAR = "/opt/flink/usrlib/telemetry-job.jar";

  /**
   * The design's variables whose value in a container next to Kafka and QuestDB differs from the
   * option's default; every other option keeps its default (JobOptionDefinitions).
   */
  static final Map<String, String> DESIGN_VARIABLES =
      Map.of(
          "CHECKPOINT_DIR",
          "file:///data/checkpoints",
          "KAFKA_BROKERS",
          "kafka:9092",
          "QUESTDB_HOST",
          "questdb");

  /** Variables of the image's runtime rather than of the service's configuration. */
  static final Set<String> RUNTIME_VARIABLES =
      Set.of("JAVA_OPTS", "JAVA_OPTS_APPEND", "MALLOC_ARENA_MAX");

  private static final Pattern ENV_ENTRY =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");

  // Kubernetes: every manifest is one the API server would accept.

  @Test
  void everyCoreManifestUsesOnlyKnownFieldsOfTheRightType() {
    List<Manifest> manifests = Manifests.all();
    assertThat(manifests)
        .extracting(Manifest::kind)
        .contains("Deployment", "Service", "ConfigMap", "PersistentVolumeClaim", "FlinkDeployment");
    manifests.stream()
        .filter(m -> !m.kind().equals("FlinkDeployment") && !isMonitoring(m))
        .forEach(m -> assertThat(Manifests.coreViolations(m.doc())).as(m.toString()).isEmpty());
  }

  @Test
  void everyFlinkDeploymentMatchesTheOperatorsCrdAndUsesKnownFlinkKeys() {
    StructuralSchema crd = flinkDeploymentSchema();
    for (Manifest m : Manifests.ofKind("FlinkDeployment")) {
      assertThat(crd.violations(m.doc())).as(m.toString()).isEmpty();
      List<String> keys = Pods.fieldNames(m.doc().at("/spec/flinkConfiguration"));
      assertThat(FlinkOptionKeys.unknownOnKubernetes(keys)).as("Flink keys of " + m).isEmpty();
    }
  }

  @Test
  void aMisspeltFieldOfACoreKindIsCaught() throws IOException {
    List<String> violations =
        Manifests.coreViolations(
            yaml(
                "apiVersion: apps/v1",
                "kind: Deployment",
                "metadata: {name: x}",
                "spec:",
                "  template:",
                "    spec:",
                "      containers:",
                "        - name: x",
                "          imagePullPolicyy: Always",
                "          readinesProbe: {httpGet: {path: /q/health/ready, port: 8080}}"));

    assertThat(violations)
        .anyMatch(v -> v.contains("unknown field 'imagePullPolicyy'"))
        .anyMatch(
            v -> v.startsWith("spec.template.spec.containers[0]: unknown field 'readinesProbe'"));
  }

  @Test
  void aWrongTypeOrMalformedQuantityOfACoreKindIsCaught() throws IOException {
    assertThat(
            Manifests.coreViolations(
                yaml(
                    "apiVersion: v1",
                    "kind: ConfigMap",
                    "metadata: {name: x}",
                    "data: {FLINK_PARALLELISM: 8}")))
        .containsExactly("data.FLINK_PARALLELISM: expected a string, found 8 (quote it)");
    assertThat(
            Manifests.coreViolations(
                yaml(
                    "apiVersion: v1",
                    "kind: PersistentVolumeClaim",
                    "metadata: {name: x}",
                    "spec: {resources: {requests: {storage: 20GB}}}")))
        .singleElement()
        .asString()
        .startsWith("spec.resources.requests.storage: matches none");
    assertThat(
            Manifests.coreViolations(
                yaml(
                    "apiVersion: apps/v1",
                    "kind: Deployment",
                    "metadata: {name: x}",
                    "spec:",
                    "  replicas: one",
                    "  template:",
                    "    spec:",
                    "      volumes: [{name: tmp, emptyDir: }]")))
        .containsExactly(
            "spec.replicas: expected an integer, found 'one'",
            "spec.template.spec.volumes[0].emptyDir: null; write {} or [] for an empty value, "
                + "or leave the field out");
  }

  @Test
  void aFlinkDeploymentWithAnUnknownFlinkVersionIsCaught() throws IOException {
    assertThat(flinkDeploymentSchema().violations(flinkDeployment("flinkVersion: v9_9")))
        .singleElement()
        .asString()
        .startsWith("spec.flinkVersion: 'v9_9' is not one of");
  }

  @Test
  void anUnknownOrMistypedFieldUnderFlinkDeploymentSpecIsCaught() throws IOException {
    StructuralSchema crd = flinkDeploymentSchema();

    assertThat(crd.violations(flinkDeployment("jobb: {jarURI: local:///x.jar}")))
        .singleElement()
        .asString()
        .startsWith("spec: unknown field 'jobb'");
    assertThat(crd.violations(flinkDeployment("job: {parallelism: '32', upgradeMode: latest}")))
        .containsExactlyInAnyOrder(
            "spec.job.parallelism: expected an integer, found '32'",
            "spec.job.upgradeMode: 'latest' is not one of [\"last-state\",\"savepoint\",\"stateless\"]");
    assertThat(
            crd.violations(
                flinkDeployment(
                    "podTemplate: {spec: {containers: [{name: flink-main-container, imagePullPolicyy: Always}]}}")))
        .singleElement()
        .asString()
        .contains("unknown field 'imagePullPolicyy'");
    // flinkConfiguration is the one open object: any Flink key passes the CRD.
    assertThat(crd.violations(flinkDeployment("flinkConfiguration: {any.key: value}"))).isEmpty();
  }

  // Kubernetes: what the manifests promise.

  @Test
  void edgeRunsOnePodAtATimeAsNonRootWithHealthProbes() {
    JsonNode spec = Manifests.named("Deployment", "telemetry-edge").doc().path("spec");
    JsonNode pod = spec.at("/template/spec");
    JsonNode container = pod.at("/containers/0");

    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.at("/strategy/type").asText()).isEqualTo("Recreate");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    assertThat(container.at("/resources/requests").isObject()).isTrue();
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
    JsonNode security = container.path("securityContext");
    assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.path("allowPrivilegeEscalation").isBoolean()).isTrue();
    assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(security.at("/capabilities/drop").toString()).isEqualTo("[\"ALL\"]");
    assertThat(Pods.mounts(container))
        .containsEntry("/tmp", "tmp")
        .containsEntry("/data/checkpoints", "checkpoints");
    assertThat(Pods.named(pod.path("volumes"), "tmp").has("emptyDir")).isTrue();
    assertThat(
            Pods.named(pod.path("volumes"), "checkpoints")
                .at("/persistentVolumeClaim/claimName")
                .asText())
        .isEqualTo("telemetry-edge-checkpoints");
  }

  @Test
  void edgeGetsTheDesignsVariablesFromItsConfigMapAndThePasswordFromASecret() {
    JsonNode container =
        Manifests.named("Deployment", "telemetry-edge")
            .doc()
            .at("/spec/template/spec/containers/0");
    String configMap = container.at("/envFrom/0/configMapRef/name").asText();
    JsonNode data = Manifests.named("ConfigMap", configMap).doc().path("data");

    DESIGN_VARIABLES.forEach(
        (name, value) -> assertThat(data.path(name).asText()).as(name).isEqualTo(value));
    JsonNode password = Pods.named(container.path("env"), "TELEMETRY_OPERATOR_PASSWORD");
    assertThat(password.has("value")).as("a password in the repository").isFalse();
    assertThat(password.at("/valueFrom/secretKeyRef/name").asText()).isNotEmpty();
  }

  @Test
  void noSecretInTheRepositoryHoldsAValue() {
    for (Manifest secret : Manifests.ofKind("Secret")) {
      assertThat(secret.doc().path("data").size() + secret.doc().path("stringData").size())
          .as(secret.toString())
          .isZero();
    }
  }

  @Test
  void noCredentialIsWrittenIntoAManifestAJobArgumentTheComposeFileOrAnImage() throws IOException {
    for (Manifest m : Manifests.all()) {
      for (JsonNode env : m.doc().findValues("env")) {
        env.forEach(
            e -> {
              if (TelemetryJobOptions.isSecret(e.path("name").asText())) {
                assertThat(e.has("value")).as(m + " env " + e.path("name").asText()).isFalse();
                assertThat(e.at("/valueFrom/secretKeyRef/name").asText())
                    .as(m + " " + e)
                    .isNotEmpty();
              }
            });
      }
      for (JsonNode args : m.doc().findValues("args")) {
        args.forEach(
            a ->
                assertThat(TelemetryJobOptions.isSecret(a.asText().split("=", 2)[0]))
                    .as(m + " argument " + a.asText())
                    .isFalse());
      }
      if (m.kind().equals("ConfigMap")) {
        m.doc()
            .path("data")
            .fields()
            .forEachRemaining(
                d -> {
                  assertThat(TelemetryJobOptions.isSecret(d.getKey()))
                      .as(m + " key " + d.getKey())
                      .isFalse();
                  // Embedded files (Flink's config.yaml): no line sets a secret key.
                  d.getValue()
                      .asText()
                      .lines()
                      .map(l -> l.strip().split(":", 2)[0])
                      .forEach(
                          k ->
                              assertThat(TelemetryJobOptions.isSecret(k))
                                  .as(m + " " + k)
                                  .isFalse());
                });
      }
    }
    compose()
        .path("services")
        .fields()
        .forEachRemaining(
            s ->
                s.getValue()
                    .path("environment")
                    .fields()
                    .forEachRemaining(
                        e -> {
                          if (TelemetryJobOptions.isSecret(e.getKey())) {
                            assertThat(e.getValue().asText())
                                .as("compose " + s.getKey() + " " + e.getKey())
                                .isEqualTo("${" + e.getKey() + ":-}");
                          }
                        }));
    for (Path image : List.of(EDGE_IMAGE, JOB_IMAGE)) {
      DockerfileInstructions instructions = DockerfileInstructions.read(image);
      for (String keyword : List.of("ENV", "ARG")) {
        for (String arguments : instructions.all(keyword)) {
          for (String word : arguments.split("[\\s\"]+")) {
            assertThat(TelemetryJobOptions.isSecret(word.split("=", 2)[0]))
                .as(image + " " + keyword + " " + word)
                .isFalse();
          }
        }
      }
    }
  }

  @Test
  void edgeTakesTheViewerAndQuestDbCredentialsFromOptionalSecrets() {
    JsonNode env =
        Manifests.named("Deployment", "telemetry-edge")
            .doc()
            .at("/spec/template/spec/containers/0/env");
    for (String name :
        List.of(
            "TELEMETRY_OPERATOR_PASSWORD",
            "TELEMETRY_VIEWER_PASSWORD",
            "TELEMETRY_QUESTDB_USERNAME",
            "TELEMETRY_QUESTDB_PASSWORD")) {
      JsonNode ref = Pods.named(env, name).at("/valueFrom/secretKeyRef");
      assertThat(ref.path("name").asText()).as(name).startsWith("telemetry-edge-");
      assertThat(ref.path("optional").asBoolean()).as(name + " optional").isTrue();
    }
  }

  @Test
  void podsReferOnlyToVolumesClaimsConfigMapsAndPortsThatExist() {
    Set<String> claims = names("PersistentVolumeClaim");
    Set<String> configMaps = names("ConfigMap");
    for (Manifest m : Manifests.ofKind("Deployment")) {
      JsonNode pod = m.doc().at("/spec/template/spec");
      assertThat(Pods.labels(m.doc().at("/spec/template/metadata/labels")))
          .as("pod labels of " + m)
          .containsAllEntriesOf(Pods.labels(m.doc().at("/spec/selector/matchLabels")));
      for (JsonNode volume : pod.path("volumes")) {
        volume
            .findValues("claimName")
            .forEach(c -> assertThat(claims).as(m.toString()).contains(c.asText()));
        if (volume.has("configMap")) {
          assertThat(configMaps).as(m.toString()).contains(volume.at("/configMap/name").asText());
        }
      }
      for (JsonNode container : Pods.containers(pod)) {
        assertThat(Pods.names(pod.path("volumes")))
            .as(m + " mounts")
            .containsAll(Pods.mounts(container).values());
        container
            .path("envFrom")
            .findValues("configMapRef")
            .forEach(
                r -> assertThat(configMaps).as(m.toString()).contains(r.path("name").asText()));
        Set<String> ports = Pods.names(container.path("ports"));
        container.findValues("port").stream()
            .filter(JsonNode::isTextual)
            .forEach(p -> assertThat(ports).as("probe ports of " + m).contains(p.asText()));
      }
    }
  }

  @Test
  void everyServiceSelectsThePodsOfADeploymentAndTheirNamedPorts() {
    for (Manifest service : Manifests.ofKind("Service")) {
      Map<String, String> selector = Pods.labels(service.doc().at("/spec/selector"));
      Manifest target =
          Manifests.ofKind("Deployment").stream()
              .filter(
                  d ->
                      Pods.labels(d.doc().at("/spec/template/metadata/labels"))
                          .entrySet()
                          .containsAll(selector.entrySet()))
              .findFirst()
              .orElseThrow(() -> new AssertionError(service + " selects no Deployment's pods"));
      Set<String> ports = new TreeSet<>();
      Pods.containers(target.doc().at("/spec/template/spec"))
          .forEach(c -> ports.addAll(Pods.names(c.path("ports"))));
      service.doc().at("/spec/ports").findValues("targetPort").stream()
          .filter(JsonNode::isTextual)
          .forEach(p -> assertThat(ports).as(service + " target ports").contains(p.asText()));
    }
  }

  // Monitoring: the Prometheus Operator's kinds.

  @Test
  void everyPrometheusRuleHoldsExactlyThePlainRulesFilesGroups() {
    JsonNode plain = MonitoringFiles.readYaml(MonitoringFiles.RULES).path("groups");
    List<Manifest> rules = Manifests.ofKind("PrometheusRule");
    assertThat(rules)
        .extracting(m -> m.file().getParent().toString())
        .containsExactlyInAnyOrder(
            Path.of("k8s", "edge").toString(), Path.of("k8s", "cluster").toString());
    for (Manifest rule : rules) {
      assertThat(rule.doc().path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
      assertThat(Pods.fieldNames(rule.doc().path("spec")))
          .as(rule.toString())
          .containsExactly("groups");
      assertThat(rule.doc().at("/spec/groups"))
          .as(rule + " against " + MonitoringFiles.RULES)
          .isEqualTo(plain);
    }
  }

  @Test
  void theServiceMonitorScrapesTheEdgeServicesMetricsPort() {
    Manifest monitor = Manifests.named("ServiceMonitor", "telemetry-edge");
    Manifest service = Manifests.named("Service", "telemetry-edge");

    assertThat(monitor.doc().path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(Pods.labels(service.doc().at("/metadata/labels")))
        .containsAllEntriesOf(Pods.labels(monitor.doc().at("/spec/selector/matchLabels")));
    JsonNode endpoint = monitor.doc().at("/spec/endpoints/0");
    assertThat(Pods.names(service.doc().at("/spec/ports")))
        .contains(endpoint.path("port").asText());
    assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
  }

  @Test
  void thePodMonitorScrapesEveryJobManagerAndTaskManagerOnItsMetricsPortAndNoOtherPod() {
    Manifest monitor = Manifests.named("PodMonitor", "telemetry-flink");
    Map<String, String> selector = Pods.labels(monitor.doc().at("/spec/selector/matchLabels"));
    String port = monitor.doc().at("/spec/podMetricsEndpoints/0/port").asText();

    assertThat(monitor.doc().path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    // Pod templates: the standalone cluster's and the edge's Deployments, the FlinkDeployment's.
    List<JsonNode> flinkPods = new java.util.ArrayList<>();
    List<JsonNode> otherPods = new java.util.ArrayList<>();
    for (Manifest d : Manifests.ofKind("Deployment")) {
      boolean flink = d.doc().at("/spec/template/spec/containers").toString().contains("9249");
      (flink ? flinkPods : otherPods).add(d.doc().at("/spec/template"));
    }
    Manifests.ofKind("FlinkDeployment")
        .forEach(d -> flinkPods.add(d.doc().at("/spec/podTemplate")));
    assertThat(flinkPods)
        .hasSize(3)
        .allSatisfy(
            pod -> {
              assertThat(Pods.labels(pod.at("/metadata/labels"))).containsAllEntriesOf(selector);
              JsonNode metricsPort = Pods.named(pod.at("/spec/containers/0/ports"), port);
              assertThat(metricsPort.path("containerPort").asInt()).isEqualTo(9249);
            });
    // The edge pod matches the labels but has no such port: the operator leaves it out.
    assertThat(otherPods)
        .allSatisfy(
            pod ->
                Pods.containers(pod.path("spec"))
                    .forEach(c -> assertThat(Pods.names(c.path("ports"))).doesNotContain(port)));
  }

  @Test
  void monitoringProfileRunsPrometheusWithTheRulesAndGrafanaWithTheDashboard() throws IOException {
    JsonNode services = compose().path("services");
    for (String name : List.of("prometheus", "grafana")) {
      assertThat(services.at("/" + name + "/profiles").toString())
          .as(name)
          .isEqualTo("[\"monitoring\"]");
    }
    Map<String, String> mounts = new java.util.TreeMap<>();
    for (String name : List.of("prometheus", "grafana")) {
      for (JsonNode volume : services.at("/" + name + "/volumes")) {
        String[] parts = volume.asText().split(":");
        if (parts[0].startsWith("./")) {
          mounts.put(parts[1], parts[0]);
        }
      }
    }
    // Bind mounts are relative to the compose file's folder.
    Path composeDir = COMPOSE.getParent();
    assertThat(mounts)
        .containsEntry("/etc/prometheus", "./monitoring/prometheus")
        .containsEntry("/etc/grafana/provisioning", "./monitoring/grafana/provisioning")
        .containsEntry("/var/lib/grafana/dashboards", "./monitoring/grafana/dashboards");
    mounts
        .values()
        .forEach(source -> assertThat(composeDir.resolve(source).normalize()).isDirectory());
    assertThat(composeDir.resolve("monitoring/prometheus/prometheus.yml").normalize())
        .isEqualTo(MonitoringFiles.PROMETHEUS_CONFIG);
    assertThat(services.at("/prometheus/command").toString())
        .contains("--config.file=/etc/prometheus/prometheus.yml");
    // Grafana loads the dashboard from the folder its provider names.
    JsonNode provider =
        MonitoringFiles.readYaml(
                MonitoringFiles.GRAFANA_PROVISIONING.resolve("dashboards/telemetry.yml"))
            .at("/providers/0");
    assertThat(provider.at("/options/path").asText()).isEqualTo("/var/lib/grafana/dashboards");
    assertThat(MonitoringFiles.DASHBOARD.getParent())
        .isEqualTo(composeDir.resolve(mounts.get("/var/lib/grafana/dashboards")).normalize());
    JsonNode datasource =
        MonitoringFiles.readYaml(
                MonitoringFiles.GRAFANA_PROVISIONING.resolve("datasources/prometheus.yml"))
            .at("/datasources/0");
    assertThat(datasource.path("type").asText()).isEqualTo("prometheus");
    assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
  }

  @Test
  void flinkDeploymentRunsTheJobJar32WideWithKubernetesHaAndPrometheus() {
    JsonNode spec = Manifests.ofKind("FlinkDeployment").get(0).doc().path("spec");
    JsonNode flink = spec.path("flinkConfiguration");

    assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
    assertThat(spec.at("/job/jarURI").asText()).isEqualTo("local://" + JOB_JAR);
    assertThat(spec.at("/job/parallelism").asInt()).isEqualTo(32);
    assertThat(spec.at("/job/upgradeMode").asText()).isIn("savepoint", "last-state");
    // job.parallelism is the only parallelism: a --parallelism argument would override it.
    assertThat(spec.at("/job/args").toString()).doesNotContain("--parallelism");
    // The job's own checkpoint dir (file:///tmp/...) would win over the cluster's: repeat it.
    assertThat(spec.at("/job/args").toString())
        .contains(
            "\"--checkpoint.dir\",\"" + flink.path("execution.checkpointing.dir").asText() + "\"");
    assertThat(flink.path("high-availability.type").asText()).isEqualTo("kubernetes");
    assertThat(flink.path("high-availability.storageDir").asText()).isNotEmpty();
    assertThat(flink.path("execution.checkpointing.dir").asText()).isNotEmpty();
    assertThat(flink.path("execution.checkpointing.savepoint-dir").asText()).isNotEmpty();
    assertThat(flink.path("metrics.reporter.prom.port").asText()).isEqualTo("9249");
    assertThat(spec.at("/jobManager/resource/memory").asText()).isNotEmpty();
    assertThat(spec.at("/taskManager/resource/memory").asText()).isNotEmpty();
  }

  @Test
  void standaloneClusterRuns8TaskManagersWithTheImagesConfiguration(@TempDir Path dir)
      throws IOException {
    assertThat(
            Manifests.named("Deployment", "flink-taskmanager").doc().at("/spec/replicas").asInt())
        .isEqualTo(8);
    Files.writeString(
        dir.resolve("config.yaml"),
        Manifests.named("ConfigMap", "flink-config").doc().at("/data/config.yaml").asText());
    Map<String, String> standalone = GlobalConfiguration.loadConfiguration(dir.toString()).toMap();
    Map<String, String> image =
        GlobalConfiguration.loadConfiguration(FlinkClusterConfigTest.CONFIG_DIR.toString()).toMap();

    assertThat(standalone).containsEntry("jobmanager.rpc.address", "flink-jobmanager");
    image.remove("jobmanager.rpc.address");
    assertThat(standalone).containsAllEntriesOf(image).hasSize(image.size() + 1);
  }

  @Test
  void deploymentFilesSetOnlyVariablesSomethingReadsAndNoDefaultAgain() throws IOException {
    Map<String, Map<String, String>> files = new LinkedHashMap<>();
    files.put("docker/Dockerfile", dockerfileEnvironment(DockerfileInstructions.read(EDGE_IMAGE)));
    files.put("docker-compose.yml edge", fields(compose().at("/services/edge/environment")));
    files.put(
        "k8s/edge/configmap.yaml",
        fields(Manifests.named("ConfigMap", "telemetry-edge").doc().path("data")));
    Set<String> propertiesVariables = new TreeSet<>();
    ConfigurationReference.applicationProperties()
        .values()
        .forEach(
            v -> {
              Matcher m = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):").matcher(v);
              while (m.find()) {
                propertiesVariables.add(m.group(1));
              }
            });

    files.forEach(
        (file, env) ->
            env.forEach(
                (name, value) -> {
                  JobOption<?> option =
                      JobOptionDefinitions.all().stream()
                          .filter(o -> name.equals(o.environmentVariable()))
                          .findFirst()
                          .orElse(null);
                  if (option != null) {
                    Object parsed =
                        TelemetryJobOptions.fromMap(Map.of(option.key(), value)).get(option);
                    assertThat(parsed)
                        .as(
                            file
                                + ": "
                                + name
                                + "="
                                + value
                                + " repeats the default of "
                                + option.key()
                                + "; leave it to docs/configuration.md")
                        .isNotEqualTo(option.defaultValue());
                  } else {
                    assertThat(
                            name.startsWith("TELEMETRY_")
                                || name.startsWith("QUARKUS_")
                                || RUNTIME_VARIABLES.contains(name)
                                || propertiesVariables.contains(name))
                        .as(file + ": nothing reads " + name)
                        .isTrue();
                  }
                }));
    assertThat(files.get("docker/Dockerfile")).containsKeys("KAFKA_BROKERS", "JAVA_OPTS");
  }

  private static Map<String, String> dockerfileEnvironment(DockerfileInstructions image) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String instruction : image.all("ENV")) {
      Matcher m = ENV_ENTRY.matcher(instruction);
      while (m.find()) {
        env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
      }
    }
    return env;
  }

  private static Map<String, String> fields(JsonNode node) {
    Map<String, String> values = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
    return values;
  }

  // docker/: the compose file and the images.

  @Test
  void composeServicesHaveAnImageAndTheEdgeServiceItsVariablesAndHealthcheck() throws IOException {
    JsonNode services = compose().path("services");
    services
        .fields()
        .forEachRemaining(
            s ->
                assertThat(s.getValue().has("image") || s.getValue().has("build"))
                    .as(s.getKey() + " has an image or a build")
                    .isTrue());
    JsonNode edge = services.path("edge");

    assertThat(edge.at("/build/dockerfile").asText()).isEqualTo("docker/Dockerfile");
    DESIGN_VARIABLES.forEach(
        (name, value) ->
            assertThat(edge.at("/environment/" + name).asText()).as(name).isEqualTo(value));
    assertThat(edge.at("/healthcheck/test").toString()).contains("/q/health/live");
    assertThat(edge.path("ports").toString()).contains("8080:8080");
    assertThat(services.at("/kafka/image").asText()).isEqualTo("apache/kafka:4.2.0");
    assertThat(services.at("/questdb/image").asText()).isEqualTo("questdb/questdb:9.3.4");
  }

  @Test
  void clusterProfileRunsScalableTaskManagersAndSubmitsTheJob32Wide() throws IOException {
    JsonNode services = compose().path("services");
    for (String name : List.of("jobmanager", "taskmanager", "job-submitter")) {
      assertThat(services.at("/" + name + "/profiles").toString())
          .as(name)
          .isEqualTo("[\"cluster\"]");
    }
    JsonNode taskManager = services.path("taskmanager");
    assertThat(taskManager.has("container_name") || taskManager.has("ports"))
        .as("a fixed name or host port would stop --scale taskmanager=N")
        .isFalse();
    String submit = services.at("/job-submitter/command").toString();
    assertThat(submit)
        .contains(
            "flink run",
            "-d -p 32 " + JOB_JAR,
            "--kafka.bootstrap-servers kafka:9092",
            "--checkpoint.dir file:///data/checkpoints")
        .doesNotContain("--parallelism");
    assertThat(services.at("/jobmanager/build/dockerfile").asText())
        .isEqualTo("docker/flink/Dockerfile");
  }

  @Test
  void kafkaTopicsGet8PartitionsLz4And7DaysOfRetention() throws IOException {
    String init = compose().at("/services/kafka-init/command").toString();

    assertThat(init)
        .contains(
            "raw_telemetry validated_telemetry telemetry_dlq",
            "--partitions 8",
            "compression.type=lz4",
            "retention.ms=604800000");
  }

  @Test
  void dockerComposeAcceptsTheFileWithAndWithoutTheClusterAndMonitoringProfiles()
      throws IOException {
    Optional<DockerCompose> compose = DockerCompose.installed();
    assertThat(compose)
        .as("docker-compose or `docker compose` (.ci/run installs Debian's docker-compose)")
        .isPresent();
    for (List<String> profile :
        List.of(
            List.<String>of(),
            List.of("--profile", "cluster"),
            List.of("--profile", "monitoring"))) {
      DockerCompose.Result result = compose.get().config(COMPOSE, profile);
      assertThat(result.exitCode()).as(result.toString()).isZero();
    }
  }

  @Test
  void edgeImageRunsAsNonRootWithAHealthcheckAndTheDesignsVariables() throws IOException {
    DockerfileInstructions edge = DockerfileInstructions.read(EDGE_IMAGE);

    assertThat(edge.all("ARG")).contains("BASE_IMAGE=eclipse-temurin:17-jre");
    assertThat(edge.all("FROM")).containsExactly("${BASE_IMAGE}");
    assertThat(edge.last("USER")).matches("[1-9][0-9]*(:[0-9]+)?");
    assertThat(edge.last("HEALTHCHECK")).contains("CMD").contains("/q/health/live");
    assertThat(edge.last("EXPOSE")).isEqualTo("8080");
    assertThat(edge.last("VOLUME")).contains("/data/checkpoints");
    String env = String.join(" ", edge.all("ENV"));
    DESIGN_VARIABLES.forEach((name, value) -> assertThat(env).contains(name + "=" + value));
    // The benchmark measures the service with the image's memory and collector flags.
    assertThat(env).contains(com.dcmms.telemetry.tools.bench.ServiceJvm.OPTIONS.split(" "));
    assertThat(edge.last("ENTRYPOINT"))
        .contains("exec java $JAVA_OPTS", "-jar /deployments/quarkus-run.jar");
    assertThat(edge.all("COPY")).allMatch(c -> c.startsWith("target/quarkus-app/"));
  }

  @Test
  void jobImageAddsTheJobJarAndTheClusterConfigToFlink() throws IOException {
    DockerfileInstructions job = DockerfileInstructions.read(JOB_IMAGE);

    assertThat(job.all("ARG")).contains("FLINK_IMAGE=flink:2.2-java17");
    assertThat(job.all("FROM")).containsExactly("${FLINK_IMAGE}");
    assertThat(job.all("COPY"))
        .anyMatch(c -> c.endsWith("target/telemetry-pipeline-*-job.jar " + JOB_JAR))
        .anyMatch(c -> c.endsWith("docker/flink/config.yaml /opt/flink/conf/config.yaml"));
    assertThat(job.last("USER")).matches("[1-9][0-9]*(:[0-9]+)?");
  }

  /** A check that skipped when its schema is missing would be no check: a missing CRD fails. */
  private static StructuralSchema flinkDeploymentSchema() {
    return Manifests.flinkDeploymentSchema()
        .orElseThrow(
            () ->
                new AssertionError(
                    "the operator's CRD is not at "
                        + Manifests.FLINK_DEPLOYMENT_CRD.toAbsolutePath().normalize()));
  }

  private static JsonNode flinkDeployment(String specLine) throws IOException {
    return yaml(
        "apiVersion: flink.apache.org/v1beta1",
        "kind: FlinkDeployment",
        "metadata: {name: x}",
        "spec:",
        "  " + specLine);
  }

  private static JsonNode yaml(String... lines) throws IOException {
    return Manifests.parse(String.join("\n", lines)).get(0);
  }

  private static JsonNode compose() throws IOException {
    return Manifests.YAML.readTree(COMPOSE.toFile());
  }

  private static Set<String> names(String kind) {
    return Manifests.ofKind(kind).stream()
        .map(Manifest::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The Prometheus Operator's kinds, checked by the monitoring tests rather than core schemas. */
  private static boolean isMonitoring(Manifest m) {
    return m.doc().path("apiVersion").asText().startsWith("monitoring.coreos.com/");
  }
}
