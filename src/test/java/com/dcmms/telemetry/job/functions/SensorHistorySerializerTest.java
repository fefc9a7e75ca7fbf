package com.dcmms.telemetry.job.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dcmms.telemetry.job.rules.SensorHistory;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Flink's serializer contract (copy, snapshot, restore, concurrency) plus the compact format. */
class SensorHistorySerializerTest extends SerializerTestBase<SensorHistory> {
  @Override
  protected TypeSerializer<SensorHistory> createSerializer() {
    return SensorHistorySerializer.INSTANCE;
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<SensorHistory> getTypeClass() {
    return SensorHistory.class;
  }

  @Override
  protected SensorHistory[] getTestData() {
    SensorHistory empty = new SensorHistory();
    SensorHistory one = history(1, "GOOD");
    SensorHistory noFlag = history(3, null);
    noFlag.hasLast = false;
    // More entries than the arrays' initial capacity, with spare capacity after them.
    SensorHistory busy = history(700, "OUT_OF_RANGE");
    busy.seenTimestamps = java.util.Arrays.copyOf(busy.seenTimestamps, 1024);
    busy.seenIdHashes = java.util.Arrays.copyOf(busy.seenIdHashes, 1024);
    return new SensorHistory[] {empty, one, noFlag, busy};
  }

  private static SensorHistory history(int entries, String flag) {
    SensorHistory h = new SensorHistory();
    h.hasLast = true;
    h.lastTimestamp = 1_700_000_000_000L + entries;
    h.lastValue = -12.5 * entries;
    h.lastQualityFlag = flag;
    h.newestTimestamp = 1_700_000_000_000L + entries * 10L;
    h.cleanupTimer = 1_700_000_060_000L;
    h.seenTimestamps = new long[entries];
    h.seenIdHashes = new long[entries];
    for (int i = 0; i < entries; i++) {
      h.seenTimestamps[i] = 1_700_000_000_000L + i * 10L;
      h.seenIdHashes[i] = 0x9e3779b97f4a7c15L * (i + 1);
    }
    h.seenCount = entries;
    return h;
  }

  @Test
  void writesOnlyTheEntriesInUse() throws IOException {
    SensorHistory h = history(2, "GOOD");
    h.seenTimestamps = java.util.Arrays.copyOf(h.seenTimestamps, 512);
    h.seenIdHashes = java.util.Arrays.copyOf(h.seenIdHashes, 512);
    DataOutputSerializer out = new DataOutputSerializer(64);
    SensorHistorySerializer.INSTANCE.serialize(h, out);
    // format, two flags, three longs, a double, the flag text, the count, two entries of two longs
    assertThat(out.length()).isEqualTo(1 + 2 + 3 * 8 + 8 + (2 + 4) + 4 + 2 * 16);
    SensorHistory back =
        SensorHistorySerializer.INSTANCE.deserialize(
            new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(back).isEqualTo(h);
    // and the restored history still grows as dedup appends to it
    assertThat(back.seenTimestamps.length).isGreaterThan(back.seenCount);
  }

  @Test
  void writesTheSameBytesToAHeapSnapshotsStreamAsToRocksDbsBuffer() throws IOException {
    for (int entries : new int[] {0, 1, 70, 700}) {
      SensorHistory h = history(entries, "GOOD");
      DataOutputSerializer buffer = new DataOutputSerializer(64);
      SensorHistorySerializer.INSTANCE.serialize(h, buffer);
      java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
      SensorHistorySerializer.INSTANCE.serialize(
          h, new org.apache.flink.core.memory.DataOutputViewStreamWrapper(stream));

      assertThat(stream.toByteArray()).isEqualTo(buffer.getCopyOfBuffer());
      assertThat(
              SensorHistorySerializer.INSTANCE.deserialize(
                  new DataInputDeserializer(stream.toByteArray())))
          .isEqualTo(h);
    }
  }

  @Test
  void refusesStateOfAnotherFormatClearly() {
    byte[] foreign = {7, 0, 0};
    assertThatThrownBy(
            () -> SensorHistorySerializer.INSTANCE.deserialize(new DataInputDeserializer(foreign)))
        .isInstanceOf(IOException.class)
        .hasMessage("unknown dedup state format 7 (this build reads 1 and 2)");
  }

  @Test
  void readsTheBlockFormatOfEarlierBuilds() throws IOException {
    // Format 1, as the build before this one wrote it: the entries as one little-endian block.
    SensorHistory h = history(3, "GOOD");
    DataOutputSerializer out = new DataOutputSerializer(64);
    out.writeByte(1);
    out.writeBoolean(h.hasLast);
    out.writeLong(h.lastTimestamp);
    out.writeDouble(h.lastValue);
    out.writeBoolean(true);
    out.writeUTF(h.lastQualityFlag);
    out.writeLong(h.newestTimestamp);
    out.writeLong(h.cleanupTimer);
    out.writeInt(3);
    java.nio.ByteBuffer block =
        java.nio.ByteBuffer.allocate(3 * 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    block.asLongBuffer().put(h.seenTimestamps, 0, 3).put(h.seenIdHashes, 0, 3);
    out.write(block.array());

    SensorHistory back =
        SensorHistorySerializer.INSTANCE.deserialize(
            new DataInputDeserializer(out.getCopyOfBuffer()));

    assertThat(back).isEqualTo(h);
  }
}
