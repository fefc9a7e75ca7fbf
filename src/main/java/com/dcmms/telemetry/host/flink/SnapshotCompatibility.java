package com.dcmms.telemetry.host.flink;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsSavepointStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;

/**
 * Says before the job is submitted whether the configured state backend can read a snapshot. A
 * checkpoint holds its backend's own format: RocksDB's files, or the heap backend's key groups;
 * only the other backend's restore fails on it, and then over and over, as the job restarts. A
 * canonical savepoint (what every clean stop of the service writes) is read by both.
 */
public final class SnapshotCompatibility {
  /** Whose format a snapshot's keyed state is in. */
  public enum Format {
    CANONICAL,
    ROCKSDB,
    HASHMAP
  }

  private SnapshotCompatibility() {}

  /** The format of the keyed state of the snapshot in {@code dir} (CANONICAL when it has none). */
  public static Format format(Path dir) throws IOException {
    try (InputStream in = Files.newInputStream(dir.resolve("_metadata"))) {
      CheckpointMetadata metadata =
          Checkpoints.loadCheckpointMetadata(
              new DataInputStream(in),
              SnapshotCompatibility.class.getClassLoader(),
              dir.toString());
      for (OperatorState operator : metadata.getOperatorStates()) {
        for (OperatorSubtaskState subtask : operator.getStates()) {
          for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
            if (handle instanceof IncrementalKeyedStateHandle) {
              return Format.ROCKSDB;
            }
            if (!(handle instanceof KeyGroupsSavepointStateHandle)) {
              return Format.HASHMAP;
            }
          }
        }
      }
      return Format.CANONICAL;
    }
  }

  /**
   * Refuses, with what to do, a snapshot that {@code stateBackend} cannot restore.
   *
   * @throws IllegalStateException when the service must not start from {@code dir}
   */
  public static void requireRestorable(Path dir, String stateBackend) throws IOException {
    Format format = format(dir);
    if (format == Format.CANONICAL || format.name().equalsIgnoreCase(stateBackend)) {
      return;
    }
    String writtenWith = format.name().toLowerCase(java.util.Locale.ROOT);
    throw new IllegalStateException(
        "The newest snapshot, "
            + dir
            + ", is a checkpoint in the "
            + "format of state.backend="
            + writtenWith
            + " (left by a service that was not stopped "
            + "cleanly), which state.backend="
            + stateBackend
            + " cannot read. Start once with "
            + "STATE_BACKEND="
            + writtenWith
            + " (telemetry.state.backend="
            + writtenWith
            + ") and stop "
            + "the service cleanly (SIGTERM or POST /api/pipeline/stop): its savepoint is readable by "
            + "both backends, and the next start with STATE_BACKEND="
            + stateBackend
            + " resumes from "
            + "it. Or keep STATE_BACKEND="
            + writtenWith
            + ".");
  }
}
