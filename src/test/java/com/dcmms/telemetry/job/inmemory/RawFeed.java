package com.dcmms.telemetry.job.inmemory;

import com.dcmms.telemetry.testkit.Events;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/**
 * Raw records in the partitions of a topic, as a test would produce them to raw_telemetry: keyed
 * records go to a partition by Kafka's default partitioner, each gets the next offset. A gate holds
 * a partition back until the job's watermark has passed a time, so that what follows it is late.
 * The job reads a copy taken when it starts: records added later go to the next run, which resumes
 * from the offsets in its savepoint.
 */
public final class RawFeed implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The topic dead letters name as the records' source. */
  public static final String TOPIC = "raw_telemetry";

  /** A record, or (with {@code gate} set) a wait for the watermark, which takes no offset. */
  record Entry(byte[] key, byte[] value, long timestamp, long offset, Long gate)
      implements Serializable {}

  private final List<List<Entry>> partitions = new ArrayList<>();
  private final long[] nextOffsets;
  private int roundRobin;

  public RawFeed(int partitions) {
    for (int p = 0; p < partitions; p++) {
      this.partitions.add(new ArrayList<>());
    }
    this.nextOffsets = new long[partitions];
  }

  /** Adds an event keyed as the MQTT bridge keys it; returns where it landed. */
  public Landed add(ObjectNode event) {
    return add(Events.key(event), Events.bytes(event));
  }

  /** Adds an event to this partition, keyed as the MQTT bridge keys it. */
  public Landed add(int partition, ObjectNode event) {
    return add(partition, Events.key(event), Events.bytes(event));
  }

  public Landed add(String key, String value) {
    return add(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Adds a record; a null key goes round robin, as Kafka's producer spreads unkeyed records. */
  public Landed add(String key, byte[] value) {
    byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    int partition =
        keyBytes == null
            ? roundRobin++ % partitions()
            : Utils.toPositive(Utils.murmur2(keyBytes)) % partitions();
    return add(partition, keyBytes, value);
  }

  public Landed add(int partition, String key, byte[] value) {
    return add(partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }

  private Landed add(int partition, byte[] key, byte[] value) {
    long offset = nextOffsets[partition]++;
    partitions.get(partition).add(new Entry(key, value, System.currentTimeMillis(), offset, null));
    return new Landed(partition, offset);
  }

  public List<Landed> addAll(List<ObjectNode> events) {
    return events.stream().map(this::add).toList();
  }

  /** What follows in {@code partition} waits until the job's watermark is at least {@code time}. */
  public RawFeed awaitWatermark(int partition, long time) {
    partitions.get(partition).add(new Entry(null, null, 0, nextOffsets[partition], time));
    return this;
  }

  public int partitions() {
    return partitions.size();
  }

  /** Records (not gates) in all partitions. */
  public int records() {
    return (int) java.util.Arrays.stream(nextOffsets).sum();
  }

  List<Entry> entries(int partition) {
    return partitions.get(partition);
  }

  /** Where a record landed, as its dead letter names it. */
  public record Landed(int partition, long offset) {
    @Override
    public String toString() {
      return partition + "@" + offset;
    }
  }
}
