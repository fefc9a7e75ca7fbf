package com.dcmms.telemetry.job.rules;

/** A record broke the event contract; carries the reason code and a message for the user. */
public final class RejectedRecordException extends Exception {
  /**
   * Messages quote the input (a field name can be 50 000 characters); the dead letter has it all.
   */
  static final int MAX_MESSAGE_LENGTH = 1_000;

  private final RejectReason reason;

  public RejectedRecordException(RejectReason reason, String message) {
    // No stack trace: this is an expected outcome for bad input, not a bug.
    super(
        message.length() <= MAX_MESSAGE_LENGTH
            ? message
            : message.substring(0, MAX_MESSAGE_LENGTH) + "…",
        null,
        false,
        false);
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}
