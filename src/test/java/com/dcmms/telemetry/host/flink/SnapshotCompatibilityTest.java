package com.dcmms.telemetry.host.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupRange;
import org.apache.flink.runtime.state.KeyGroupRangeOffsets;
import org.apache.flink.runtime.state.KeyGroupsSavepointStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which snapshots each state backend may start from, read from the snapshot's own metadata file.
 */
class SnapshotCompatibilityTest {
  private static final KeyGroupRange ALL = KeyGroupRange.of(0, 127);

  @TempDir Path dir;

  @Test
  void refusesRocksDbsCheckpointForHeapStateSayingWhatToDo() throws Exception {
    Path chk =
        snapshot(
            "chk-7",
            new IncrementalRemoteKeyedStateHandle(
                UUID.randomUUID(),
                ALL,
                7,
                List.of(),
                List.of(),
                new ByteStreamStateHandle("meta", new byte[] {1})));

    assertThat(SnapshotCompatibility.format(chk)).isEqualTo(SnapshotCompatibility.Format.ROCKSDB);
    assertThatThrownBy(() -> SnapshotCompatibility.requireRestorable(chk, "hashmap"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(chk.toString())
        .hasMessageContaining("format of state.backend=rocksdb")
        .hasMessageContaining("Start once with STATE_BACKEND=rocksdb")
        .hasMessageContaining("POST /api/pipeline/stop");
    assertThatCode(() -> SnapshotCompatibility.requireRestorable(chk, "rocksdb"))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesAHeapCheckpointForRocksDb() throws Exception {
    Path chk =
        snapshot(
            "chk-3",
            new KeyGroupsStateHandle(
                new KeyGroupRangeOffsets(ALL), new ByteStreamStateHandle("state", new byte[] {1})));

    assertThat(SnapshotCompatibility.format(chk)).isEqualTo(SnapshotCompatibility.Format.HASHMAP);
    assertThatThrownBy(() -> SnapshotCompatibility.requireRestorable(chk, "rocksdb"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Start once with STATE_BACKEND=hashmap");
    assertThatCode(() -> SnapshotCompatibility.requireRestorable(chk, "hashmap"))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptsACanonicalSavepointForEitherBackend() throws Exception {
    Path savepoint =
        snapshot(
            "savepoint-1",
            new KeyGroupsSavepointStateHandle(
                new KeyGroupRangeOffsets(ALL), new ByteStreamStateHandle("state", new byte[] {1})));

    assertThat(SnapshotCompatibility.format(savepoint))
        .isEqualTo(SnapshotCompatibility.Format.CANONICAL);
    assertThatCode(() -> SnapshotCompatibility.requireRestorable(savepoint, "hashmap"))
        .doesNotThrowAnyException();
    assertThatCode(() -> SnapshotCompatibility.requireRestorable(savepoint, "rocksdb"))
        .doesNotThrowAnyException();
  }

  private Path snapshot(String name, KeyedStateHandle keyed) throws Exception {
    OperatorState dedup = new OperatorState("dedup", "dedup", new OperatorID(), 1, 128);
    dedup.putState(0, OperatorSubtaskState.builder().setManagedKeyedState(keyed).build());
    Path snapshot = Files.createDirectories(dir.resolve(name));
    try (OutputStream out = Files.newOutputStream(snapshot.resolve("_metadata"))) {
      Checkpoints.storeCheckpointMetadata(
          new CheckpointMetadata(7, List.of(dedup), List.of()), new DataOutputStream(out));
    }
    return snapshot;
  }
}
