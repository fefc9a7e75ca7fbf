package com.dcmms.telemetry.job.badinput;

import java.util.function.LongFunction;

/**
 * One kind of bad or surprising input and what the pipeline must make of it: a reject reason and a
 * fragment of the message the user sees, or {@link #ACCEPTED} with the stored quality flag.
 *
 * @param payload the record's bytes for a processing time (timestamps are relative to it); null
 *     bytes stand for a Kafka record without a value
 */
public record BadInputCase(
    String category,
    String name,
    String about,
    String reason,
    String message,
    String quality,
    LongFunction<byte[]> payload) {
  public static final String ACCEPTED = "ACCEPTED";

  public boolean accepted() {
    return ACCEPTED.equals(reason);
  }

  public String id() {
    return category + "/" + name;
  }

  public byte[] payloadAt(long nowMillis) {
    return payload.apply(nowMillis);
  }

  @Override
  public String toString() {
    return id();
  }
}
