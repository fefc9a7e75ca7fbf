package com.dcmms.telemetry.tools.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every tool runs its picocli command. {@code --help} and {@code --version} anywhere on the
 * command line print to stdout and exit {@value #OK}. Every error is one line on stderr, never a
 * stack trace: a bad option or an {@link Unreachable} server exits {@value #USAGE_ERROR}; any other
 * failure of the run exits {@value #FAILED}, as does a failed check (the command returns it).
 */
public final class Cli {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE_ERROR = 2;

  private Cli() {}

  /**
   * Parses {@code args} into {@code command} (a {@link java.util.concurrent.Callable} of the exit
   * status), runs it and returns its exit status; usage and version go to {@code out}, errors to
   * {@code err}.
   */
  public static int execute(
      String tool, Object command, PrintStream out, PrintStream err, String... args) {
    PrintWriter errors = new PrintWriter(err, true);
    CommandLine cli =
        new CommandLine(command)
            .setOut(new PrintWriter(out, true))
            .setErr(errors)
            .setParameterExceptionHandler(
                (ParameterException e, String[] given) -> {
                  // Some of picocli's messages start with "Error: "; the tool's name says that
                  // already.
                  String message = oneLine(e.getMessage()).replaceFirst("^Error: ", "");
                  errors.println(
                      tool
                          + ": "
                          + message
                          + suggestions(e)
                          + " (run "
                          + e.getCommandLine().getCommandName()
                          + " --help for the options)");
                  return USAGE_ERROR;
                })
            .setExecutionExceptionHandler(
                (e, commandLine, parsed) -> {
                  Unreachable unreachable = unreachable(e);
                  errors.println(
                      unreachable != null
                          ? tool + ": " + oneLine(causes(unreachable))
                          : tool + ": failed: " + oneLine(causes(e)));
                  return unreachable != null ? USAGE_ERROR : FAILED;
                });
    // picocli stops at the first bad option, so "--rate fast --help" would be an error: help and
    // version win wherever they stand, the first of them if both are given.
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        cli.usage(cli.getOut());
        return OK;
      }
      if (arg.equals("--version") || arg.equals("-V")) {
        cli.printVersionHelp(cli.getOut());
        return OK;
      }
    }
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
      // Some JDK exceptions (a refused connection) carry no message; their name says it.
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (!m.equals(last) && (last == null || !last.endsWith(m))) {
        b.append(b.length() == 0 ? "" : ": ").append(m);
      }
      last = m;
    }
    return b.toString();
  }

  /**
   * What the JDK's HTTP client's {@link java.net.ConnectException} means: it has no message, only a
   * cause that tells a name that does not resolve from a refused connection.
   */
  public static String connectFailure(java.net.ConnectException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.nio.channels.UnresolvedAddressException) {
        return "cannot resolve the host";
      }
    }
    return e.getMessage() != null ? e.getMessage() : "connection refused";
  }

  private static Unreachable unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Unreachable u) {
        return u;
      }
    }
    return null;
  }

  private static String suggestions(ParameterException e) {
    List<String> s = e instanceof UnmatchedArgumentException u ? u.getSuggestions() : List.of();
    return s.isEmpty() ? "" : "; did you mean " + String.join(" or ", s) + "?";
  }

  private static String oneLine(String message) {
    return message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
