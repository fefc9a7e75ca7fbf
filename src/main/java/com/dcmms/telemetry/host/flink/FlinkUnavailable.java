package com.dcmms.telemetry.host.flink;

/** The embedded Flink cluster did not tell the job's state: it is unknown, not "not running". */
public class FlinkUnavailable extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FlinkUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
