package com.dcmms.telemetry.job.records;

/**
 * A rejected input record with the reason and where it came from; written to the dead-letter topic
 * as a JSON envelope by {@link DeadLetterSerializer}.
 */
public class DeadLetter {
  public String errorCode;
  public String errorMessage;
  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;

  /** The Kafka record timestamp of the rejected record. */
  public long kafkaTimestamp;

  public long rejectedAt;

  /** The raw payload, possibly cut to a bounded prefix; see {@link #payloadSize}. */
  public byte[] payload;

  /** Size of the original payload in bytes (larger than payload.length when truncated). */
  public int payloadSize;

  public DeadLetter() {}

  @Override
  public String toString() {
    return "DeadLetter{"
        + errorCode
        + ": "
        + errorMessage
        + " at "
        + sourceTopic
        + '-'
        + sourcePartition
        + '@'
        + sourceOffset
        + '}';
  }
}
