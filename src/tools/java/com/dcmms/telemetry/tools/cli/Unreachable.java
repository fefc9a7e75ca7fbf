package com.dcmms.telemetry.tools.cli;

/**
 * A server the tool needs does not answer (refused, unresolvable, silent): the tool exits with
 * {@value Cli#USAGE_ERROR} and this message alone, as for a bad option, since the command line
 * names the server.
 */
public final class Unreachable extends RuntimeException {
  public Unreachable(String message, Throwable cause) {
    super(message, cause);
  }
}
