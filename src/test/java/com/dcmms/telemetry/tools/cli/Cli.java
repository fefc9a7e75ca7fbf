package com.dcmms.telemetry.tools.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every tool runs its picocli command: usage on {@code --help}; a usage error is its message
 * (and picocli's suggestions) with exit status {@value #USAGE_ERROR}; a failure of the run is its
 * causes with exit status {@value #FAILED}.
 */
public final class Cli {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE_ERROR = 2;

  private Cli() {}

  /**
   * Parses {@code args} into {@code command} (a {@link java.util.concurrent.Callable} of the exit
   * status), runs it and returns its exit status; the usage goes to {@code out}, errors to
   * {@code err}.
   */
  public static int execute(String tool, Object command, PrintStream out, PrintStream err, String... args) {
    PrintWriter errors = new PrintWriter(err, true);
    CommandLine cli = new CommandLine(command)
        .setOut(new PrintWriter(out, true))
        .setErr(errors)
        .setParameterExceptionHandler((ParameterException e, String[] given) -> {
          errors.println(tool + ": " + e.getMessage());
          UnmatchedArgumentException.printSuggestions(e, errors);
          errors.println("run " + e.getCommandLine().getCommandName() + " --help for the options");
          return USAGE_ERROR;
        })
        .setExecutionExceptionHandler((e, commandLine, parsed) -> {
          errors.println(tool + ": failed: " + causes(e));
          return FAILED;
        });
    return cli.execute(args);
  }

  /** Parses {@code args} into {@code command} without running it; a usage error is thrown. */
  public static <T> T parse(T command, String... args) {
    new CommandLine(command).parseArgs(args);
    return command;
  }

  /** The messages of {@code e} and its causes, outermost first, each once. */
  public static String causes(Throwable e) {
    StringBuilder b = new StringBuilder();
    String last = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
      if (!m.equals(last)) {
        b.append(b.length() == 0 ? "" : ": ").append(m);
      }
      last = m;
    }
    return b.toString();
  }
}
