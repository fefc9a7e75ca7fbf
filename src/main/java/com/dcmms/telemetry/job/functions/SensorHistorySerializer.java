package com.dcmms.telemetry.job.functions;

import com.dcmms.telemetry.job.rules.SensorHistory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The dedup state of one sensor, written compactly: only the entries in use.
 *
 * <p>Dedup reads and writes this value for every reading, and a busy sensor holds hundreds of
 * entries within the window. Flink's POJO serializer wrote the arrays' whole capacity one long at a
 * time through reflection; in the drain profile that was most of dedup's own cost.
 */
public final class SensorHistorySerializer extends TypeSerializerSingleton<SensorHistory> {
  private static final long serialVersionUID = 1L;
  public static final SensorHistorySerializer INSTANCE = new SensorHistorySerializer();

  /** Format 1 held the entries as one little-endian block; 2 writes them as plain longs. */
  private static final int FORMAT = 2;

  private static final int FORMAT_BLOCK = 1;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public SensorHistory createInstance() {
    return new SensorHistory();
  }

  @Override
  public SensorHistory copy(SensorHistory from) {
    SensorHistory c = new SensorHistory();
    c.hasLast = from.hasLast;
    c.lastTimestamp = from.lastTimestamp;
    c.lastValue = from.lastValue;
    c.lastQualityFlag = from.lastQualityFlag;
    c.newestTimestamp = from.newestTimestamp;
    c.cleanupTimer = from.cleanupTimer;
    c.seenCount = from.seenCount;
    // Room for the entry the next reading usually adds, as in deserialize.
    c.seenTimestamps = Arrays.copyOf(from.seenTimestamps, Math.max(4, from.seenCount + 1));
    c.seenIdHashes = Arrays.copyOf(from.seenIdHashes, Math.max(4, from.seenCount + 1));
    return c;
  }

  @Override
  public SensorHistory copy(SensorHistory from, SensorHistory reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(SensorHistory h, DataOutputView out) throws IOException {
    out.writeByte(FORMAT);
    out.writeBoolean(h.hasLast);
    out.writeLong(h.lastTimestamp);
    out.writeDouble(h.lastValue);
    out.writeBoolean(h.lastQualityFlag != null);
    if (h.lastQualityFlag != null) {
      out.writeUTF(h.lastQualityFlag);
    }
    out.writeLong(h.newestTimestamp);
    out.writeLong(h.cleanupTimer);
    int n = h.seenCount;
    out.writeInt(n);
    if (out instanceof DataOutputSerializer) {
      // Straight into RocksDB's buffer: a block copy first cost two more arrays per reading.
      for (int i = 0; i < n; i++) {
        out.writeLong(h.seenTimestamps[i]);
      }
      for (int i = 0; i < n; i++) {
        out.writeLong(h.seenIdHashes[i]);
      }
    } else {
      // A heap snapshot writes to a stream, where every writeLong is eight single-byte writes
      // through a chain of streams: one block per history instead, in the same byte order.
      byte[] block = scratch(n * 2 * Long.BYTES);
      for (int i = 0; i < n; i++) {
        putLong(block, i * Long.BYTES, h.seenTimestamps[i]);
        putLong(block, (n + i) * Long.BYTES, h.seenIdHashes[i]);
      }
      out.write(block, 0, n * 2 * Long.BYTES);
    }
  }

  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

  private static byte[] scratch(int size) {
    byte[] b = SCRATCH.get();
    if (b.length < size) {
      b = new byte[Math.max(size, b.length * 2)];
      SCRATCH.set(b);
    }
    return b;
  }

  /** As {@link java.io.DataOutput#writeLong}: big-endian. */
  private static void putLong(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  @Override
  public SensorHistory deserialize(DataInputView in) throws IOException {
    int format = in.readByte();
    if (format != FORMAT && format != FORMAT_BLOCK) {
      throw new IOException(
          "unknown dedup state format "
              + format
              + " (this build reads "
              + FORMAT_BLOCK
              + " and "
              + FORMAT
              + ")");
    }
    SensorHistory h = new SensorHistory();
    h.hasLast = in.readBoolean();
    h.lastTimestamp = in.readLong();
    h.lastValue = in.readDouble();
    h.lastQualityFlag = in.readBoolean() ? in.readUTF() : null;
    h.newestTimestamp = in.readLong();
    h.cleanupTimer = in.readLong();
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt dedup state: " + n + " entries");
    }
    // Room for the entry the next reading usually adds; more would be garbage at once.
    int capacity = Math.max(4, n + 1);
    h.seenTimestamps = new long[capacity];
    h.seenIdHashes = new long[capacity];
    if (format == FORMAT_BLOCK) {
      byte[] bytes = new byte[n * 2 * Long.BYTES];
      in.readFully(bytes);
      ByteBuffer.wrap(bytes)
          .order(ByteOrder.LITTLE_ENDIAN)
          .asLongBuffer()
          .get(h.seenTimestamps, 0, n)
          .get(h.seenIdHashes, 0, n);
    } else {
      for (int i = 0; i < n; i++) {
        h.seenTimestamps[i] = in.readLong();
      }
      for (int i = 0; i < n; i++) {
        h.seenIdHashes[i] = in.readLong();
      }
    }
    h.seenCount = n;
    return h;
  }

  @Override
  public SensorHistory deserialize(SensorHistory reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<SensorHistory> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores this serializer from checkpoints and savepoints. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<SensorHistory> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
