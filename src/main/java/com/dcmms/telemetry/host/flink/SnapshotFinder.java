package com.dcmms.telemetry.host.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the newest retained snapshot to resume from: a completed checkpoint ({@code <checkpoint
 * dir>/<job id>/chk-N/_metadata}) or a savepoint ({@code <savepoint dir>/savepoint-…/_metadata}),
 * whichever was written last.
 */
public final class SnapshotFinder {
  private SnapshotFinder() {}

  /**
   * The directory of the newest snapshot, or empty when there is none (or the storage is not
   * local).
   */
  public static Optional<Path> newest(String checkpointDir, String savepointDir) {
    return Stream.concat(
            candidates(checkpointDir, 3, "chk-"), candidates(savepointDir, 2, "savepoint-"))
        .max(Comparator.comparing(SnapshotFinder::modified))
        .map(Path::getParent);
  }

  private static Stream<Path> candidates(String dir, int depth, String prefix) {
    Optional<Path> root = localPath(dir);
    if (root.isEmpty() || !Files.isDirectory(root.get())) {
      return Stream.empty();
    }
    try (Stream<Path> files =
        Files.find(
            root.get(),
            depth,
            (p, attrs) ->
                attrs.isRegularFile()
                    && p.getFileName().toString().equals("_metadata")
                    && p.getParent().getFileName().toString().startsWith(prefix))) {
      return files.toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for snapshots in " + dir, e);
    }
  }

  /** A file:// URI or a plain path as a local path; other schemes (s3://…) are not scanned. */
  static Optional<Path> localPath(String dir) {
    if (dir == null || dir.isBlank()) {
      return Optional.empty();
    }
    if (dir.startsWith("file:")) {
      return Optional.of(Path.of(URI.create(dir)));
    }
    return dir.contains("://") ? Optional.empty() : Optional.of(Path.of(dir));
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
