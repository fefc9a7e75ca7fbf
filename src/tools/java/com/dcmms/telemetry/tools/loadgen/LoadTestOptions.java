package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.cli.Cli;
import java.time.Duration;

/**
 * The load test's options, parsed and checked once by {@link LoadTestCommand}; every field is
 * final.
 */
public record LoadTestOptions(
    String bootstrapServers,
    String topic,
    String validatedTopic,
    String dlqTopic,
    String questDbUrl,
    String table,
    long events,
    Duration duration,
    double rate,
    double eventRate,
    int workers,
    int sites,
    int assets,
    int sensors,
    double anomalies,
    double duplicates,
    double nearDuplicates,
    double malformed,
    double outOfOrder,
    Duration maxDisorder,
    double latencySample,
    boolean verify,
    Duration verifyTimeout,
    Duration settle,
    String runId,
    long seed,
    String reportJson) {

  /** Default run length when neither --events nor --duration is given. */
  public static final long DEFAULT_EVENTS = 10_000;

  /**
   * Parses a command line as {@code bin/load-test} does, without running it; a bad one throws
   * picocli's {@link picocli.CommandLine.ParameterException} with the message the user sees.
   */
  public static LoadTestOptions parse(String... args) {
    return Cli.parse(new LoadTestCommand(System.out), args).options();
  }

  /** How far before the run's start a backlog's event time begins; 0 without --event-rate. */
  public long backlogMillis() {
    return eventRate > 0 ? (long) Math.ceil(events * 1000.0 / eventRate) : 0;
  }

  /** The total number of sensors of the profile. */
  public int sensorCount() {
    return sites * assets * sensors;
  }

  /** Prefix of every event id of this run. */
  public String eventIdPrefix() {
    return runId + "-";
  }
}
