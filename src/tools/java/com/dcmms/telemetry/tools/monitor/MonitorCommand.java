package com.dcmms.telemetry.tools.monitor;

import com.dcmms.telemetry.tools.cli.Cli;
import com.dcmms.telemetry.tools.cli.DurationConverter;
import com.dcmms.telemetry.tools.cli.ToolVersion;
import com.dcmms.telemetry.tools.cli.Unreachable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The monitor's command line: which pipeline to watch, how often, and the score's target rate. */
@Command(
    name = "bin/monitor",
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    versionProvider = ToolVersion.class,
    description = {
      "Watches a running pipeline: throughput, checkpoints, backpressure, lag, slots and the score.",
      "Durations: 30s, 500ms, 10min (a bare number is milliseconds).",
      "Exit status: 0 done (--count reports), 2 bad options or the pipeline does not answer; it has no checks "
          + "that fail, so 1 only when it breaks."
    })
final class MonitorCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  private final PrintStream out;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private Target target;

  /** One pipeline: the embedded service or a Flink cluster. */
  static final class Target {
    @Option(
        names = "--service",
        paramLabel = "URL",
        required = true,
        description = "the embedded service, e.g. http://localhost:8080")
    private String service;

    @Option(
        names = "--flink",
        paramLabel = "URL",
        required = true,
        description = "a Flink cluster's REST API, e.g. http://jobmanager:8081")
    private String flink;
  }

  @Option(
      names = "--interval",
      paramLabel = "D",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "time between reports (default ${DEFAULT-VALUE})")
  private Duration interval;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "0",
      description = "reports before it exits, 0 = until stopped (default ${DEFAULT-VALUE})")
  private int count;

  @Option(
      names = "--target-rate",
      paramLabel = "R",
      defaultValue = "10000",
      description = "events/s that earn the full throughput score (default ${DEFAULT-VALUE})")
  private double targetRate;

  MonitorCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    if ((interval.isZero() || interval.isNegative())) {
      throw new ParameterException(
          spec.commandLine(), "--interval must be positive, got " + interval.toMillis() + " ms");
    }
    if (count < 0) {
      throw new ParameterException(
          spec.commandLine(), "--count must be 0 (until stopped) or more, got " + count);
    }
    if (!(targetRate > 0)) {
      throw new ParameterException(
          spec.commandLine(), "--target-rate must be positive, got " + targetRate);
    }
    Http http = new Http();
    SampleSource source =
        target.service != null
            ? new ServiceSource(http, target.service)
            : new FlinkRestSource(http, target.flink);
    try {
      new PipelineMonitor(source, targetRate, out).run(interval, count);
    } catch (IOException e) {
      // Refused, unresolvable, silent or not a pipeline (HTTP 404), at the start or later on.
      String where =
          target.service != null
              ? "the service at " + target.service + " (--service)"
              : "the Flink cluster at " + target.flink + " (--flink)";
      throw new Unreachable("cannot read " + where + ": " + Cli.causes(e), null);
    }
    return 0;
  }
}
