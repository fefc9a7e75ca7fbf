package com.dcmms.telemetry.host;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * The service's own settings ({@code telemetry.service.*}). The job's options are
 * {@code telemetry.<key>} (see {@link JobOptionsFromConfig}); extra Flink settings are
 * {@code telemetry.flink.<flink key>}.
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
    @WithDefault("2m")
    Duration maxCheckpointAge();
  }

  /** Flink's REST endpoint and web UI of the embedded cluster, on 127.0.0.1 only. */
  interface WebUi {
    @WithDefault("false")
    boolean enabled();

    @WithDefault("8081")
    int port();
  }

  /** Real Kafka and QuestDB servers started as a child process in dev mode. */
  interface DevServices {
    @WithDefault("false")
    boolean enabled();

    /** Where the child process keeps its data. */
    @WithDefault("target/dev-data")
    String dataDir();

    /** Demo readings per second fed to raw_telemetry; 0 disables the generator. */
    @WithDefault("20")
    int demoRate();
  }
}
