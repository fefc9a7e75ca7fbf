package com.dcmms.telemetry.host;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The service's own settings ({@code telemetry.service.*}). The job's options are {@code
 * telemetry.<key>} (see {@link JobOptionsFromConfig}); extra Flink settings are {@code
 * telemetry.flink.<flink key>}. {@code docs/configuration.md} takes each setting's meaning from its
 * Javadoc. Durations use the job's syntax ({@link FlinkDurationConverter}).
 */
@ConfigMapping(prefix = "telemetry.service")
public interface ServiceConfig {
  /** Where the service keeps Flink's temporary files; cleaned at every start. */
  @WithDefault("${java.io.tmpdir}/dcmms-telemetry")
  String workDir();

  /** Savepoints taken on shutdown; defaults to {@code <checkpoint.dir>/savepoints}. */
  Optional<String> savepointDir();

  /** Resume from the newest retained checkpoint or savepoint found at start. */
  @WithDefault("true")
  boolean restore();

  /** How long shutdown waits for the savepoint before it closes the cluster anyway. */
  @WithDefault("60s")
  @WithConverter(FlinkDurationConverter.class)
  Duration shutdownSavepointTimeout();

  /** Password of the user "operator" (role operator: savepoint, stop); no login without it. */
  Optional<String> operatorPassword();

  /** Password of the user "viewer" (role viewer: read-only), if read endpoints are protected. */
  Optional<String> viewerPassword();

  Readiness readiness();

  WebUi webUi();

  DevServices devServices();

  /** Readiness bounds. */
  interface Readiness {
    /** Ready only while the newest completed checkpoint is younger than this. */
    @WithDefault("2min")
    @WithConverter(FlinkDurationConverter.class)
    Duration maxCheckpointAge();
  }

  /** Flink's REST endpoint and web UI of the embedded cluster, on 127.0.0.1 only. */
  interface WebUi {
    /** Serve Flink's web UI (read-only: no job submission or cancellation). */
    @WithDefault("false")
    boolean enabled();

    /**
     * Port of the web UI on 127.0.0.1 when enabled; otherwise Flink's REST endpoint takes a random
     * one.
     */
    @WithDefault("8081")
    int port();
  }

  /** Real Kafka and QuestDB servers started as a child process in dev mode. */
  interface DevServices {
    /**
     * Start Kafka and QuestDB as a child process (the dev profile does); not when KAFKA_BROKERS or
     * QUESTDB_HOST is set.
     */
    @WithDefault("false")
    boolean enabled();

    /** Where the dev servers keep their data. */
    @WithDefault("target/dev-data")
    String dataDir();

    /** Demo readings per second fed to raw_telemetry; 0 disables the generator. */
    @WithDefault("20")
    int demoRate();
  }
}
