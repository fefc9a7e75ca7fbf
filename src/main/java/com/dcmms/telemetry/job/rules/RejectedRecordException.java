package com.dcmms.telemetry.job.rules;

/** A record broke the event contract; carries the reason code and a message for the user. */
public final class RejectedRecordException extends Exception {
  private final RejectReason reason;

  public RejectedRecordException(RejectReason reason, String message) {
    // No stack trace: this is an expected outcome for bad input, not a bug.
    super(message, null, false, false);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
