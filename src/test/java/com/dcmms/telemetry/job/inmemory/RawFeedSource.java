package com.dcmms.telemetry.job.inmemory;

import com.dcmms.telemetry.job.records.ParsedRecord;
import com.dcmms.telemetry.job.records.RawTelemetryDeserializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Reads a {@link RawFeed} as the Kafka source reads raw_telemetry: a split per partition, assigned
 * to subtask {@code partition % parallelism}, one watermark output per split (so a partition holds
 * back event time as a Kafka partition does), splits paused and resumed by watermark alignment, the
 * position in each split in every checkpoint, and every record through the job's own {@link
 * RawTelemetryDeserializer}. Bounded, it ends after the last record; unbounded it waits for more,
 * like a consumer at the end of its topic, until the job is stopped.
 */
public final class RawFeedSource
    implements Source<ParsedRecord, RawFeedSource.Split, Set<Integer>> {
  private static final long serialVersionUID = 1L;

  private final RawFeed feed;
  private final RawTelemetryDeserializer deserializer;
  private final Boundedness boundedness;

  /** The run whose sinks' watermark the feed's gates wait for. */
  private final String run;

  public RawFeedSource(
      RawFeed feed, RawTelemetryDeserializer deserializer, Boundedness boundedness, String run) {
    this.feed = feed;
    this.deserializer = deserializer;
    this.boundedness = boundedness;
    this.run = run;
  }

  /** A partition and the index of its next entry (records and gates). */
  public record Split(int partition, int position) implements SourceSplit {
    @Override
    public String splitId() {
      return "partition-" + partition;
    }
  }

  @Override
  public Boundedness getBoundedness() {
    return boundedness;
  }

  @Override
  public SourceReader<ParsedRecord, Split> createReader(SourceReaderContext context) {
    return new Reader();
  }

  @Override
  public SplitEnumerator<Split, Set<Integer>> createEnumerator(
      SplitEnumeratorContext<Split> context) {
    Set<Integer> all = new TreeSet<>();
    for (int p = 0; p < feed.partitions(); p++) {
      all.add(p);
    }
    return new Enumerator(context, all);
  }

  @Override
  public SplitEnumerator<Split, Set<Integer>> restoreEnumerator(
      SplitEnumeratorContext<Split> context, Set<Integer> unassigned) {
    return new Enumerator(context, unassigned);
  }

  @Override
  public SimpleVersionedSerializer<Split> getSplitSerializer() {
    return new SplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<Set<Integer>> getEnumeratorCheckpointSerializer() {
    return new UnassignedSerializer();
  }

  /**
   * Hands each partition out once, as the Kafka enumerator does; restored splits come with the
   * readers' state.
   */
  private final class Enumerator implements SplitEnumerator<Split, Set<Integer>> {
    private final SplitEnumeratorContext<Split> context;
    private final Set<Integer> unassigned;

    Enumerator(SplitEnumeratorContext<Split> context, Set<Integer> unassigned) {
      this.context = context;
      this.unassigned = new TreeSet<>(unassigned);
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtask, String requester) {}

    @Override
    public void addSplitsBack(List<Split> splits, int subtask) {
      // Assigned after the last checkpoint: no snapshot has their position, so read them again
      // from the start when the reader comes back.
      splits.forEach(s -> unassigned.add(s.partition()));
    }

    @Override
    public void addReader(int subtask) {
      int readers = context.currentParallelism();
      for (Integer p : new ArrayList<>(unassigned)) {
        if (p % readers == subtask) {
          context.assignSplit(new Split(p, 0), subtask);
          unassigned.remove(p);
        }
      }
      if (boundedness == Boundedness.BOUNDED) {
        context.signalNoMoreSplits(subtask);
      }
    }

    @Override
    public Set<Integer> snapshotState(long checkpointId) {
      return new TreeSet<>(unassigned);
    }

    @Override
    public void close() {}
  }

  /** Emits one record per poll, round robin over its splits, each with its split's watermark. */
  private final class Reader implements SourceReader<ParsedRecord, Split> {
    private final List<Split> splits = new ArrayList<>();
    private final Set<String> paused = new HashSet<>();
    private boolean noMoreSplits;
    private int next;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    @Override
    public void start() {}

    @Override
    public InputStatus pollNext(ReaderOutput<ParsedRecord> output) {
      boolean gated = false;
      for (int tried = 0; tried < splits.size(); tried++) {
        int i = (next + tried) % splits.size();
        Split split = splits.get(i);
        List<RawFeed.Entry> entries = feed.entries(split.partition());
        if (paused.contains(split.splitId()) || split.position() >= entries.size()) {
          continue;
        }
        RawFeed.Entry e = entries.get(split.position());
        if (e.gate() != null) {
          if (Collected.of(run).watermark() < e.gate()) {
            gated = true;
            continue;
          }
          splits.set(i, new Split(split.partition(), split.position() + 1));
          return InputStatus.MORE_AVAILABLE;
        }
        SourceOutput<ParsedRecord> out = output.createOutputForSplit(split.splitId());
        deserializer.deserialize(
            new ConsumerRecord<>(
                RawFeed.TOPIC,
                split.partition(),
                e.offset(),
                e.timestamp(),
                TimestampType.CREATE_TIME,
                -1,
                e.value() == null ? -1 : e.value().length,
                e.key(),
                e.value(),
                new RecordHeaders(),
                Optional.empty()),
            new org.apache.flink.util.Collector<>() {
              @Override
              public void collect(ParsedRecord r) {
                out.collect(r, e.timestamp());
              }

              @Override
              public void close() {}
            });
        splits.set(i, new Split(split.partition(), split.position() + 1));
        next = i + 1;
        return InputStatus.MORE_AVAILABLE;
      }
      if (boundedness == Boundedness.BOUNDED) {
        finishDrainedSplits(output);
        if (noMoreSplits && splits.isEmpty()) {
          return InputStatus.END_OF_INPUT;
        }
      }
      // A gate waits for the sinks' watermark, which no event of ours announces: look again soon.
      available =
          gated
              ? CompletableFuture.runAsync(
                  () -> {}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
              : new CompletableFuture<>();
      return InputStatus.NOTHING_AVAILABLE;
    }

    private void finishDrainedSplits(ReaderOutput<ParsedRecord> output) {
      splits.removeIf(
          s -> {
            boolean done =
                !paused.contains(s.splitId()) && s.position() >= feed.entries(s.partition()).size();
            if (done) {
              output.releaseOutputForSplit(s.splitId());
            }
            return done;
          });
    }

    @Override
    public List<Split> snapshotState(long checkpointId) {
      return new ArrayList<>(splits);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return available;
    }

    @Override
    public void addSplits(List<Split> added) {
      splits.addAll(added);
      available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
      noMoreSplits = true;
      available.complete(null);
    }

    @Override
    public void pauseOrResumeSplits(
        java.util.Collection<String> toPause, java.util.Collection<String> toResume) {
      paused.addAll(toPause);
      paused.removeAll(toResume);
      available.complete(null);
    }

    @Override
    public void close() {}
  }

  private static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Split split) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(split.partition());
        out.writeInt(split.position());
      }
      return bytes.toByteArray();
    }

    @Override
    public Split deserialize(int version, byte[] serialized) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        return new Split(in.readInt(), in.readInt());
      }
    }
  }

  private static final class UnassignedSerializer
      implements SimpleVersionedSerializer<Set<Integer>> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Set<Integer> partitions) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(partitions.size());
        for (int p : partitions) {
          out.writeInt(p);
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public Set<Integer> deserialize(int version, byte[] serialized) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        Set<Integer> partitions = new TreeSet<>();
        for (int n = in.readInt(); n > 0; n--) {
          partitions.add(in.readInt());
        }
        return partitions;
      }
    }
  }
}
