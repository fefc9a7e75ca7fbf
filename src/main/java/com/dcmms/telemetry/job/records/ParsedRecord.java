package com.dcmms.telemetry.job.records;

/**
 * What the source emits for each Kafka record: either a reading or a dead letter, never both.
 * Parsing at the source lets the watermark strategy (and its split alignment) see event time.
 */
public class ParsedRecord {
  public TelemetryReading reading;
  public DeadLetter deadLetter;

  public ParsedRecord() {}

  public static ParsedRecord of(TelemetryReading reading) {
    ParsedRecord r = new ParsedRecord();
    r.reading = reading;
    return r;
  }

  public static ParsedRecord of(DeadLetter deadLetter) {
    ParsedRecord r = new ParsedRecord();
    r.deadLetter = deadLetter;
    return r;
  }

  public boolean isRejected() {
    return deadLetter != null;
  }
}
