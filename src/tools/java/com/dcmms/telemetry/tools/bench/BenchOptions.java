package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.tools.cli.Cli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The benchmark's options; {@code --smoke} shrinks every phase to fit CI's few minutes, {@code
 * --soak} runs only the service at a fixed rate for long and compares the first and last {@code
 * window} of it, with {@code --faults} killing the service and stopping QuestDB on the way. {@link
 * BenchCommand} reads them from the command line.
 */
record BenchOptions(
    Path out,
    long events,
    double rate,
    Duration duration,
    int parallelism,
    Duration checkpointInterval,
    int sites,
    int assets,
    int sensors,
    String serviceJavaOpts,
    Path serviceJar,
    String serversClasspath,
    Duration drainTimeout,
    Duration sampleEvery,
    boolean soak,
    Duration window,
    Duration warmup,
    Duration fastInterval,
    boolean restart,
    boolean faults,
    Duration questDbOutage) {

  /** Parses a command line as {@code bench/run} does, without running it; a bad one throws. */
  static BenchOptions parse(String... args) {
    return Cli.parse(new BenchCommand(), args).options();
  }

  /**
   * Whether the fixed-rate phase runs a second time, with the service restarted at {@link
   * #fastInterval}.
   */
  boolean fastPhase() {
    return !fastInterval.isZero() && !fastInterval.equals(checkpointInterval);
  }

  String describe() {
    if (soak) {
      return String.format(
          Locale.ROOT,
          "soak: %,.0f events/s for %d s, the first and last %d s compared%s; service "
              + "parallelism %d, checkpoints every %s, EXACTLY_ONCE, %s; profile %d x %d x %d = %,d sensors; %d cores",
          rate,
          duration.toSeconds(),
          window.toSeconds(),
          faults
              ? String.format(
                  Locale.ROOT,
                  ", the service killed (kill -9) at %d s and QuestDB stopped for %d s at %d s",
                  killAt().toSeconds(),
                  questDbOutage.toSeconds(),
                  outageAt().toSeconds())
              : "",
          parallelism,
          span(checkpointInterval),
          serviceJavaOpts,
          sites,
          assets,
          sensors,
          sites * assets * sensors,
          Runtime.getRuntime().availableProcessors());
    }
    String fast =
        fastPhase()
            ? ", then again with the service restarted at checkpoints every " + span(fastInterval)
            : "";
    String kill =
        restart
            ? String.format(
                Locale.ROOT,
                "; restart: kill -9 at %d s of %d s at the fixed rate",
                killAt().toSeconds(),
                duration.toSeconds())
            : "";
    return String.format(
        Locale.ROOT,
        "%,d pre-loaded events (a backlog recorded at %,.0f events/s); %,.0f events/s "
            + "for %d s after %d s of warm-up; service parallelism %d, checkpoints every %s%s%s, EXACTLY_ONCE, %s; "
            + "profile %d x %d x %d = %,d sensors; %d cores",
        events,
        rate,
        rate,
        duration.toSeconds(),
        warmup.toSeconds(),
        parallelism,
        span(checkpointInterval),
        fast,
        kill,
        serviceJavaOpts,
        sites,
        assets,
        sensors,
        sites * assets * sensors,
        Runtime.getRuntime().availableProcessors());
  }

  /** When the service is killed: a third into the load, so that it runs before and after. */
  Duration killAt() {
    return duration.dividedBy(3);
  }

  /** When QuestDB is stopped in a soak with faults: two thirds into the load. */
  Duration outageAt() {
    return duration.multipliedBy(2).dividedBy(3);
  }

  /** "10 s", "1 s", "500 ms". */
  static String span(Duration d) {
    return d.toMillis() % 1_000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
