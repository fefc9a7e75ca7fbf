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
import org.apache.flink.runtime.state.KeyedStateHandle;

/**
 * Says before the job is submitted whether the configured state backend can read a snapshot.
 * RocksDB's native checkpoints (incremental files) can only be read by RocksDB; canonical
 * savepoints and heap checkpoints hold state in Flink's own format, which either backend reads.
 * Without this check a service moved from RocksDB to heap state after a hard stop would restart
 * its job for ever on a restore error.
 */
public final class SnapshotCompatibility {
  private SnapshotCompatibility() {}

  /** True when some keyed state of the snapshot in {@code dir} is in RocksDB's native format. */
  public static boolean holdsRocksDbNativeState(Path dir) throws IOException {
    try (InputStream in = Files.newInputStream(dir.resolve("_metadata"))) {
      CheckpointMetadata metadata = Checkpoints.loadCheckpointMetadata(new DataInputStream(in),
          SnapshotCompatibility.class.getClassLoader(), dir.toString());
      for (OperatorState operator : metadata.getOperatorStates()) {
        for (OperatorSubtaskState subtask : operator.getStates()) {
          for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
            if (handle instanceof IncrementalKeyedStateHandle) {
              return true;
            }
          }
        }
      }
      return false;
    }
  }

  /**
   * Refuses, with what to do, a snapshot that {@code stateBackend} cannot restore.
   *
   * @throws IllegalStateException when the service must not start from {@code dir}
   */
  public static void requireRestorable(Path dir, String stateBackend) throws IOException {
    if (!stateBackend.equals("rocksdb") && holdsRocksDbNativeState(dir)) {
      throw new IllegalStateException("The newest snapshot, " + dir + ", holds RocksDB's native "
          + "state (a checkpoint of a service that ran with state.backend=rocksdb and was not "
          + "stopped cleanly), which state.backend=" + stateBackend + " cannot read. Either start "
          + "once with STATE_BACKEND=rocksdb (telemetry.state.backend=rocksdb) and stop the service "
          + "cleanly (SIGTERM or POST /api/pipeline/stop): its savepoint is readable by every "
          + "backend, and the next start with " + stateBackend + " resumes from it; or keep "
          + "STATE_BACKEND=rocksdb.");
    }
  }
}
