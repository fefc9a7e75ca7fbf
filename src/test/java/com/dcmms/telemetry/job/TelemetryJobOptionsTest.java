package com.dcmms.telemetry.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.dcmms.telemetry.job.rules.SensorTypes;
import com.dcmms.telemetry.job.rules.ValueRange;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The job's options: definitions, parsing, validation as a whole, secrets, the entry point. */
class TelemetryJobOptionsTest {
  private static final String PASSWORD = "hunter2-questdb";
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule "
          + "required username=\"telemetry\" password=\"s3cr3t-kafka\";";

  // --- Defaults -------------------------------------------------------------------------------

  @Test
  void minPauseIsTheDesignsTenSecondsAtMostAThirdOfTheIntervalUnlessGiven() {
    assertThat(
            TelemetryJobOptions.fromMap(Map.of("checkpoint.interval", "10 s")).checkpointMinPause())
        .isEqualTo(Duration.ofMillis(3333));
    assertThat(
            TelemetryJobOptions.fromMap(Map.of("checkpoint.interval", "2 min"))
                .checkpointMinPause())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(
            TelemetryJobOptions.fromMap(
                    Map.of("checkpoint.interval", "10 s", "checkpoint.min-pause", "AUTO"))
                .checkpointMinPause())
        .isEqualTo(Duration.ofMillis(3333));
    assertThat(
            TelemetryJobOptions.fromMap(
                    Map.of("checkpoint.interval", "10 s", "checkpoint.min-pause", "10 s"))
                .checkpointMinPause())
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void defaultsAreTheDefinitions() {
    TelemetryJobOptions o = TelemetryJobOptions.defaults();

    for (JobOption<?> option : JobOptionDefinitions.all()) {
      assertThat((Object) o.get(option)).as(option.key()).isEqualTo(option.defaultValue());
    }
    assertThat(o.sensorRanges()).isEqualTo(SensorTypes.defaultRanges());
    assertThat(o.kafkaProperties()).isEmpty();
    assertThat(o.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
  }

  @Test
  void everyDefinitionHasAMeaningAndADefaultItAccepts() {
    for (JobOption<?> option : JobOptionDefinitions.all()) {
      assertThat(option.description()).as(option.key()).isNotBlank();
      assertThat((Object) option.parse(option.defaultText()))
          .as(option.key())
          .isEqualTo(option.defaultValue());
    }
  }

  @Test
  void namesEachEnvironmentVariableOnceInUpperCase() {
    List<String> variables =
        JobOptionDefinitions.all().stream()
            .map(JobOption::environmentVariable)
            .filter(v -> v != null)
            .toList();

    assertThat(variables)
        .doesNotHaveDuplicates()
        .allMatch(v -> v.matches("[A-Z][A-Z0-9_]*"))
        .contains(
            "KAFKA_BROKERS",
            "QUESTDB_HOST",
            "QUESTDB_HTTP_PORT",
            "FLINK_PARALLELISM",
            "STATE_BACKEND",
            "CHECKPOINT_INTERVAL_MS",
            "CHECKPOINT_DIR",
            "TELEMETRY_QUESTDB_PASSWORD")
        .as("nothing reads QuestDB's PostgreSQL port: the job writes over HTTP")
        .doesNotContain("QUESTDB_PORT");
  }

  @Test
  void listsEveryKeyWithADefault() {
    assertThat(TelemetryJobOptions.knownKeys())
        .contains("parallelism", "checkpoint.interval", "dedup.window", "questdb.password")
        .doesNotContain("kafka.property.", "validation.range.", "questdb.pg-port");
    assertThat(TelemetryJobOptions.defaults().asMap().keySet())
        .containsExactlyInAnyOrderElementsOf(TelemetryJobOptions.knownKeys());
  }

  @Test
  void writesItsValuesSoThatTheyReadBackEqual() {
    TelemetryJobOptions o =
        TelemetryJobOptions.fromMap(
            Map.of(
                "checkpoint.interval", "45000",
                "kafka.transaction-timeout", "2 min",
                "kafka.delivery-guarantee", "AT_LEAST_ONCE",
                "kafka.property.security.protocol", "SSL",
                "validation.range.TEMPERATURE", "-40..85"));

    assertThat(o.asMap())
        .containsEntry("checkpoint.interval", "45s")
        .containsEntry("kafka.transaction-timeout", "2min")
        .containsEntry("kafka.delivery-guarantee", "at-least-once")
        .containsEntry("checkpoint.min-pause", "auto")
        .containsEntry("kafka.property.security.protocol", "SSL");
    assertThat(TelemetryJobOptions.fromMap(o.asMap())).isEqualTo(o);
    assertThat(TelemetryJobOptions.fromMap(o.asMap()).checkpointMinPause())
        .isEqualTo(Duration.ofSeconds(10));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "500ms,PT0.5S,500ms",
    "30s,PT30S,30s",
    "30 s,PT30S,30s",
    "30000,PT30S,30s",
    "10min,PT10M,10min",
    "10 m,PT10M,10min",
    "90s,PT1M30S,90s",
    "1h,PT1H,1h",
    "2d,PT48H,2d"
  })
  void readsDurationsInFlinksSyntaxWithBareNumbersInMilliseconds(
      String text, Duration expected, String written) {
    TelemetryJobOptions o = options("restart.delay", text);

    assertThat(o.restartDelay()).isEqualTo(expected);
    assertThat(o.asMap()).containsEntry("restart.delay", written);
  }

  // --- Overrides ------------------------------------------------------------------------------

  @Test
  void appliesOverrides() {
    TelemetryJobOptions o =
        TelemetryJobOptions.fromMap(
            Map.ofEntries(
                Map.entry("parallelism", "32"),
                Map.entry("checkpoint.interval", "45 s"),
                Map.entry("checkpoint.timeout", "2min"),
                Map.entry("dedup.window", "90000"),
                Map.entry("dedup.deadband", "FALSE"),
                Map.entry("dedup.relative-tolerance", "0.005"),
                Map.entry("kafka.bootstrap-servers", "kafka-0:9092,kafka-1:9092"),
                Map.entry("kafka.raw-topic", "raw"),
                Map.entry("kafka.offset-reset", "LATEST"),
                Map.entry("kafka.delivery-guarantee", "at-least-once"),
                Map.entry("questdb.host", "questdb.telemetry.svc"),
                Map.entry("questdb.http-port", "19000")));

    assertThat(o.parallelism()).isEqualTo(32);
    assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(o.checkpointTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.dedupWindow())
        .as("a bare number is milliseconds")
        .isEqualTo(Duration.ofSeconds(90));
    assertThat(o.dedupDeadband()).isFalse();
    assertThat(o.dedupRelativeTolerance()).isEqualTo(0.005);
    assertThat(o.kafkaBootstrapServers()).isEqualTo("kafka-0:9092,kafka-1:9092");
    assertThat(o.rawTopic()).isEqualTo("raw");
    assertThat(o.offsetReset()).isEqualTo("latest");
    assertThat(o.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    assertThat(o.questDbHost()).isEqualTo("questdb.telemetry.svc");
    assertThat(o.questDbHttpPort()).isEqualTo(19000);
    assertThat(o.groupId())
        .as("untouched keys keep their default")
        .isEqualTo("flink-telemetry-processor");
  }

  @ParameterizedTest
  @CsvSource({
    "exactly-once,EXACTLY_ONCE",
    "EXACTLY_ONCE,EXACTLY_ONCE",
    "at-least-once,AT_LEAST_ONCE",
    "AT_LEAST_ONCE,AT_LEAST_ONCE"
  })
  void acceptsDeliveryGuaranteeSpellings(String value, DeliveryGuarantee expected) {
    assertThat(options("kafka.delivery-guarantee", value).deliveryGuarantee()).isEqualTo(expected);
  }

  @Test
  void trimsValues() {
    assertThat(options("parallelism", "  16 ").parallelism()).isEqualTo(16);
  }

  @Test
  void withReturnsChangedCopyAndLeavesOriginalAlone() {
    TelemetryJobOptions original = TelemetryJobOptions.defaults();

    TelemetryJobOptions changed = original.with("parallelism", "4");

    assertThat(changed.parallelism()).isEqualTo(4);
    assertThat(original.parallelism()).isEqualTo(8);
  }

  @Test
  void withValidatesTheChange() {
    assertThatThrownBy(() -> TelemetryJobOptions.defaults().with("parallelism", "zero"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'parallelism'");
  }

  @Test
  void exposesNoWayToChangeItsValues() {
    assertThatThrownBy(() -> TelemetryJobOptions.defaults().asMap().put("parallelism", "1"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void passesKafkaPropertiesThrough() {
    TelemetryJobOptions o =
        TelemetryJobOptions.fromMap(
            Map.of(
                "kafka.property.security.protocol", "SASL_SSL",
                "kafka.property.sasl.mechanism", "PLAIN",
                "kafka.property.sasl.jaas.config", JAAS));

    assertThat(o.kafkaProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", JAAS));
  }

  @Test
  void overridesAndAddsSensorRanges() {
    TelemetryJobOptions o =
        TelemetryJobOptions.fromMap(
            Map.of(
                "validation.range.TEMPERATURE", "-40..85",
                "validation.range.WIND_SPEED", " 0 .. 75.5 "));

    Map<String, ValueRange> expected = SensorTypes.defaultRanges();
    expected.put("TEMPERATURE", new ValueRange(-40, 85));
    expected.put("WIND_SPEED", new ValueRange(0, 75.5));
    assertThat(o.sensorRanges()).isEqualTo(expected);
  }

  // --- Refusals -------------------------------------------------------------------------------

  @Test
  void refusesUnknownKeyNamingIt() {
    assertThatThrownBy(() -> options("dedup.windw", "60 s"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown telemetry option 'dedup.windw'")
        .hasMessageContaining("dedup.window")
        .hasMessageContaining("kafka.property.*");
  }

  @Test
  void refusesKeyWithoutValue() {
    Map<String, String> values = new HashMap<>();
    values.put("parallelism", null);

    assertThatThrownBy(() -> TelemetryJobOptions.fromMap(values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("telemetry option 'parallelism' has no value");
  }

  @ParameterizedTest(name = "{0} = ''{1}''")
  @CsvSource(
      delimiter = '|',
      value = {
        "checkpoint.interval|soon|a positive duration such as 30s, 500ms or 10min",
        "checkpoint.interval|0 s|a positive duration",
        "checkpoint.interval|-5 s|a positive duration",
        "checkpoint.timeout|ten minutes|a positive duration",
        "checkpoint.min-pause|10 parsecs|a duration",
        "dedup.window|0|a positive duration",
        "dedup.state-ttl|30 s|a duration longer than dedup.window",
        "dedup.cache-sensors|-1|a whole number of 0 or more",
        "dedup.cache-sensors|lots|a whole number",
        "validation.max-event-age|0 ms|a positive duration",
        "watermark.idleness|x|a positive duration",
        "buffer-timeout|fast|a duration",
        "restart.delay|later|a duration",
        "parallelism|eight|a whole number",
        "parallelism|0|a whole number of 1 or more",
        "parallelism|-1|a whole number of 1 or more",
        "parallelism|2.5|a whole number",
        "checkpoint.max-concurrent|0|a whole number of 1 or more",
        "checkpoint.tolerable-failures|-1|a whole number of 0 or more",
        "restart.attempts|many|a whole number",
        "questdb.http-port|70000|a port number from 1 to 65535",
        "questdb.http-port|0|a port number from 1 to 65535",
        "questdb.batch-rows|lots|a whole number",
        "dedup.deadband|yes|true or false",
        "dedup.relative-tolerance|-0.1|a finite number of 0 or more",
        "dedup.relative-tolerance|NaN|a finite number of 0 or more",
        "dedup.absolute-tolerance|Infinity|a finite number of 0 or more",
        "dedup.absolute-tolerance|tiny|a finite number of 0 or more",
        "kafka.delivery-guarantee|sometimes|exactly-once or at-least-once",
        "kafka.offset-reset|middle|earliest or latest",
        "state.backend|memory|rocksdb or hashmap",
        "kafka.bootstrap-servers|'  '|a non-empty value"
      })
  void refusesBadValueNamingKeyAndValue(String key, String value, String expected) {
    assertThatThrownBy(() -> options(key, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("telemetry option '" + key + "' must be " + expected)
        .hasMessageEndingWith(", got '" + value.trim() + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hot", "150..-50", "..", "1..x", "NaN..1"})
  void refusesBadRangeNamingKey(String range) {
    assertThatThrownBy(() -> options("validation.range.TEMPERATURE", range))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("telemetry option 'validation.range.TEMPERATURE': ");
  }

  @Test
  void refusesParallelismAboveMaxParallelism() {
    assertThatThrownBy(() -> options("parallelism", "2000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parallelism 2000 is above max-parallelism 1024");
  }

  @Test
  void reportsEveryBadValueAtOnce() {
    assertThatThrownBy(
            () ->
                TelemetryJobOptions.fromMap(
                    Map.of(
                        "parallelism", "eight",
                        "dedup.window", "soon",
                        "validation.range.VOLTAGE", "high")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("telemetry option 'parallelism' must be a whole number")
        .hasMessageContaining("telemetry option 'dedup.window' must be a positive duration")
        .hasMessageContaining("telemetry option 'validation.range.VOLTAGE': ");
  }

  @Test
  void checksTheRulesBetweenOptionsOnTheValuesGiven() {
    assertThat(
            TelemetryJobOptions.fromMap(Map.of("dedup.window", "2h", "dedup.state-ttl", "3h"))
                .dedupStateTtl())
        .isEqualTo(Duration.ofHours(3));
    assertThatThrownBy(() -> options("dedup.window", "2h"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "telemetry option 'dedup.state-ttl' must be a duration longer than "
                + "dedup.window, got '1h'");
    assertThat(
            TelemetryJobOptions.fromMap(Map.of("parallelism", "2000", "max-parallelism", "4096"))
                .parallelism())
        .isEqualTo(2000);
  }

  // --- Secrets --------------------------------------------------------------------------------

  @Test
  void hidesSecretsInToString() {
    TelemetryJobOptions o =
        TelemetryJobOptions.fromMap(
            Map.of(
                "questdb.password",
                PASSWORD,
                "questdb.token",
                "tok-123456",
                "kafka.property.sasl.jaas.config",
                JAAS,
                "kafka.property.ssl.key.password",
                "keypass-9"));

    String shown = o.toString();

    assertThat(shown)
        .doesNotContain(PASSWORD, "s3cr3t-kafka", "tok-123456", "keypass-9")
        .contains(
            "questdb.password=****",
            "kafka.property.sasl.jaas.config=****",
            "questdb.token=****",
            "kafka.property.ssl.key.password=****")
        .contains("parallelism=8");
    assertThat(o.questDbPassword())
        .as("still available to the code that needs it")
        .isEqualTo(PASSWORD);
  }

  @Test
  void showsEmptySecretAsEmpty() {
    assertThat(TelemetryJobOptions.defaults().toString()).contains("questdb.password=,");
  }

  @Test
  void neverPutsSecretsInErrorMessages() {
    Map<String, String> values = new HashMap<>();
    values.put("questdb.password", PASSWORD);
    values.put("kafka.property.sasl.jaas.config", JAAS);

    values.put("parallelism", "many");
    assertThat(messageOf(() -> TelemetryJobOptions.fromMap(values)))
        .contains("'parallelism'")
        .doesNotContain(PASSWORD, "s3cr3t-kafka");

    values.put("parallelism", "8");
    values.put("questdb.pasword", PASSWORD); // a typo of a secret key
    assertThat(messageOf(() -> TelemetryJobOptions.fromMap(values)))
        .contains("'questdb.pasword'")
        .doesNotContain(PASSWORD, "s3cr3t-kafka");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "questdb.password",
        "questdb.token",
        "kafka.property.sasl.jaas.config",
        "kafka.property.ssl.keystore.password",
        "kafka.property.ssl.key",
        "some.SECRET"
      })
  void treatsCredentialKeysAsSecret(String key) {
    assertThat(TelemetryJobOptions.isSecret(key)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "questdb.username",
        "questdb.host",
        "kafka.property.security.protocol",
        "parallelism"
      })
  void treatsOtherKeysAsPlain(String key) {
    assertThat(TelemetryJobOptions.isSecret(key)).isFalse();
  }

  // --- Cluster entry point: environment and arguments -----------------------------------------

  @Test
  void mapsTheDesignsEnvironmentVariables() {
    TelemetryJobOptions o =
        JobArguments.parse(
            Map.of(
                "FLINK_PARALLELISM", "16",
                "CHECKPOINT_INTERVAL_MS", "60000",
                "CHECKPOINT_DIR", "s3://telemetry/checkpoints",
                "KAFKA_BROKERS", "kafka-0:9092,kafka-1:9092",
                "QUESTDB_HOST", "questdb.telemetry.svc",
                "QUESTDB_HTTP_PORT", "19000",
                "STATE_BACKEND", "hashmap",
                "QUESTDB_PORT", "18812"),
            new String[0]);

    assertThat(o.parallelism()).isEqualTo(16);
    assertThat(o.checkpointInterval()).as("milliseconds").isEqualTo(Duration.ofSeconds(60));
    assertThat(o.checkpointDir()).isEqualTo("s3://telemetry/checkpoints");
    assertThat(o.kafkaBootstrapServers()).isEqualTo("kafka-0:9092,kafka-1:9092");
    assertThat(o.questDbHost()).isEqualTo("questdb.telemetry.svc");
    assertThat(o.questDbHttpPort()).isEqualTo(19000);
    assertThat(o.stateBackend()).isEqualTo("hashmap");
    assertThat(o.asMap())
        .as("QUESTDB_PORT, the design's PostgreSQL-wire port, is read by nothing")
        .doesNotContainValue("18812");
  }

  @Test
  void takesQuestDbCredentialsFromTheEnvironmentAsTheServiceDoes() {
    TelemetryJobOptions o =
        JobArguments.parse(
            Map.of(
                "TELEMETRY_QUESTDB_USERNAME", "ingest",
                "TELEMETRY_QUESTDB_PASSWORD", "pw-from-secret",
                "TELEMETRY_QUESTDB_TOKEN", "token-from-secret"),
            new String[0]);

    assertThat(o.questDbUsername()).isEqualTo("ingest");
    assertThat(o.questDbPassword()).isEqualTo("pw-from-secret");
    assertThat(o.questDbToken()).isEqualTo("token-from-secret");
    assertThat(o.toString()).doesNotContain("pw-from-secret").doesNotContain("token-from-secret");
  }

  @Test
  void usesDefaultsWithoutEnvironmentOrArguments() {
    TelemetryJobOptions o =
        JobArguments.parse(
            Map.of("PATH", "/usr/bin", "HOME", "/root", "FLINK_PARALLELISM", " "), new String[0]);

    assertThat(o.asMap()).isEqualTo(TelemetryJobOptions.defaults().asMap());
  }

  @Test
  void letsArgumentsWinOverEnvironment() {
    TelemetryJobOptions o =
        JobArguments.parse(
            Map.of(
                "FLINK_PARALLELISM",
                "16",
                "CHECKPOINT_INTERVAL_MS",
                "60000",
                "KAFKA_BROKERS",
                "env-kafka:9092"),
            new String[] {
              "--parallelism",
              "32",
              "--checkpoint.interval=45 s",
              "--kafka.property.sasl.jaas.config=" + JAAS
            });

    assertThat(o.parallelism()).isEqualTo(32);
    assertThat(o.checkpointInterval()).isEqualTo(Duration.ofSeconds(45));
    assertThat(o.kafkaBootstrapServers()).isEqualTo("env-kafka:9092");
    assertThat(o.kafkaProperties()).containsEntry("sasl.jaas.config", JAAS);
  }

  @Test
  void letsTheLastArgumentWin() {
    TelemetryJobOptions o =
        JobArguments.parse(Map.of(), new String[] {"--parallelism", "4", "--parallelism=6"});

    assertThat(o.parallelism()).isEqualTo(6);
  }

  @Test
  void refusesDanglingOption() {
    assertThatThrownBy(
            () ->
                JobArguments.parse(Map.of(), new String[] {"--parallelism", "4", "--questdb.host"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --questdb.host has no value");
  }

  @ParameterizedTest
  @ValueSource(strings = {"parallelism", "-parallelism", "--"})
  void refusesArgumentThatIsNotAnOption(String arg) {
    assertThatThrownBy(() -> JobArguments.parse(Map.of(), new String[] {arg, "4"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("expected --<option> [value] at argument 1");
  }

  @Test
  void refusesUnknownOptionInArguments() {
    assertThatThrownBy(() -> JobArguments.parse(Map.of(), new String[] {"--paralelism", "4"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown telemetry option 'paralelism'");
  }

  @Test
  void neverEchoesSecretsFromMalformedArguments() {
    String unquoted = "my " + PASSWORD; // --questdb.password my hunter2-questdb, not quoted
    Throwable stray =
        catchThrowable(
            () ->
                JobArguments.parse(Map.of(), new String[] {"--questdb.password", "my", PASSWORD}));
    Throwable singleDash =
        catchThrowable(
            () -> JobArguments.parse(Map.of(), new String[] {"-questdb.password=" + unquoted}));

    assertThat(stray)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("argument 3")
        .hasMessageNotContaining(PASSWORD);
    assertThat(singleDash)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'-questdb.password=…'")
        .hasMessageNotContaining(PASSWORD);
  }

  // --- Flink configuration --------------------------------------------------------------------

  @Test
  void carriesTheDesignsRuntimeSettingsIntoFlink() {
    Configuration c = TelemetryJob.flinkConfiguration(TelemetryJobOptions.defaults());

    assertThat(c.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(8);
    assertThat(c.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(1024);
    assertThat(c.get(PipelineOptions.OBJECT_REUSE)).isTrue();
    DesignCheckpointing.assertCarriedBy(c);
    assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo("file:///tmp/flink-checkpoints");
    assertThat(c.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    assertThat(c.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    assertThat(c.get(RocksDBOptions.PREDEFINED_OPTIONS))
        .isEqualTo("SPINNING_DISK_OPTIMIZED_HIGH_MEM");
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(10);
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(c.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void carriesOverriddenRuntimeSettingsIntoFlink() {
    Configuration c =
        TelemetryJob.flinkConfiguration(
            TelemetryJobOptions.fromMap(
                Map.of(
                    "parallelism", "32",
                    "checkpoint.interval", "5 s",
                    "checkpoint.dir", "s3://telemetry/checkpoints",
                    "restart.attempts", "3",
                    "buffer-timeout", "10 ms")));

    assertThat(c.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(32);
    assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
        .isEqualTo("s3://telemetry/checkpoints");
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS)).isEqualTo(3);
    assertThat(c.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void keepsStateOnTheHeapWithFullCheckpointsWhenAskedTo() {
    Configuration c = TelemetryJob.flinkConfiguration(options("state.backend", "HashMap"));

    assertThat(c.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    // Incremental checkpoints and RocksDB's tuning are RocksDB's alone.
    assertThat(c.contains(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isFalse();
    assertThat(c.contains(RocksDBOptions.PREDEFINED_OPTIONS)).isFalse();
  }

  // --- Helpers --------------------------------------------------------------------------------

  private static TelemetryJobOptions options(String key, String value) {
    return TelemetryJobOptions.fromMap(Map.of(key, value));
  }

  private static String messageOf(Runnable action) {
    Throwable thrown = catchThrowable(action::run);
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    return thrown.getMessage();
  }
}
