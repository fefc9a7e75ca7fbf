package com.dcmms.telemetry.tools.loadgen;

/** One record the load generator sends, with what the pipeline is expected to do with it. */
public record GeneratedEvent(
    Kind kind, String eventId, String key, byte[] payload, boolean outOfOrder, boolean sampled) {

  /** What a record is, and so what the pipeline must do with it. */
  public enum Kind {
    /** A distinct in-range reading: stored with GOOD. */
    VALID,
    /** A distinct out-of-range reading: stored with OUT_OF_RANGE. */
    ANOMALY,
    /** A byte-for-byte re-send of a reading: dropped as an exact duplicate. */
    EXACT_DUPLICATE,
    /** A new reading within 0.1 % of the sensor's last emitted one: dropped by the deadband. */
    NEAR_DUPLICATE,
    /** A record that breaks the event contract: a dead letter. */
    MALFORMED;

    /** Whether the pipeline stores and republishes it. */
    public boolean emitted() {
      return this == VALID || this == ANOMALY;
    }
  }
}
