package com.dcmms.telemetry.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.faults.DeliveryCheck;
import com.dcmms.telemetry.faults.DeliveryCheck.Span;
import com.dcmms.telemetry.faults.PipelineCounters;
import com.dcmms.telemetry.faults.SentLedger;
import com.dcmms.telemetry.job.it.PipelineFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service survives {@code kill -9} mid-stream and SIGTERM without losing or doubling a
 * record: it resumes from its last checkpoint, or from the savepoint it took on SIGTERM, with its
 * dedup state. The killed run's counters die with it and the run after it counts the replay again,
 * so that run owes the identity only; the run from the savepoint counts exactly what it was sent.
 */
@ExtendWith(RealServers.class)
class PackagedServiceRestartIT {
  @TempDir Path dir;

  private final PipelineFixture fx = new PipelineFixture("service");
  private final SentLedger ledger = new SentLedger(fx, "site-1", 10);
  private final DeliveryCheck check = new DeliveryCheck(fx, ledger);

  @Test
  void resumesAfterKillAndAfterSigtermWithoutLossOrDuplicates() throws Exception {
    Map<String, String> props = ServiceProcess.properties(fx, dir);
    props.put("telemetry.service.readiness.max-checkpoint-age", "30s");

    ledger.sendReadings(0, 10, 5);
    ledger.sendRejects("first");
    ServiceProcess first = ServiceProcess.start("restart-1", props);
    first.awaitReady();
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(
            () -> fx.questDb().count("SELECT count() FROM " + fx.table) == ledger.all().stored());
    // A checkpoint after those rows, so that the restart resumes from one.
    long completed = first.completedCheckpoints();
    await().atMost(Duration.ofSeconds(30)).until(() -> first.completedCheckpoints() > completed);
    // Killed with the next readings in flight: read, perhaps stored, not yet committed.
    ledger.sendReadings(10, 15, 5);
    first.kill();

    // An exact and a near duplicate (within 1 % and 60 s) of each sensor's last reading before
    // the crash, and new readings.
    ledger.sendRepeatsOf(14, "after-kill");
    ledger.sendReadings(15, 20, 5);
    ledger.sendRejects("after-kill");
    PipelineCounters afterKill;
    try (ServiceProcess second = ServiceProcess.start("restart-2", props)) {
      second.awaitReady();
      assertThat(restoredFrom(second)).as(second.output()).contains("chk-");
      check.awaitDrained();
      afterKill = check.awaitCounters(Span.sinceRestore("run after kill -9", second::counters));
      assertThat(second.terminate(10)).as("exits within 10 s after SIGTERM").isTrue();
      assertThat(second.printed("stopped with savepoint")).as(second.output()).isTrue();
    }

    int mark = ledger.size();
    ledger.sendRepeatsOf(19, "after-sigterm");
    ledger.sendReadings(20, 25, 5);
    ledger.sendRejects("after-sigterm");
    Span fromSavepoint;
    try (ServiceProcess third = ServiceProcess.start("restart-3", props)) {
      third.awaitReady();
      assertThat(restoredFrom(third)).as(third.output()).contains("savepoint-");
      PipelineCounters counted =
          check.awaitCounters(
              Span.exact("run from the savepoint", third::counters, ledger.since(mark)));
      fromSavepoint = Span.exact("run from the savepoint", () -> counted, ledger.since(mark));
      assertThat(third.terminate(10)).isTrue();
    }

    check.assertExactlyOnce(Span.sinceRestore("run after kill -9", () -> afterKill), fromSavepoint);
  }

  /**
   * A service that ran on RocksDB (as every earlier version did) and moves to heap state: the
   * RocksDB checkpoint its hard stop left is refused at start with what to do, and nothing is lost;
   * started once on RocksDB and stopped cleanly, its savepoint resumes on the heap with the dedup
   * state intact.
   */
  @Test
  void movesFromRocksDbToHeapStateThroughASavepointAndRefusesItsNativeCheckpoint()
      throws Exception {
    Map<String, String> props = ServiceProcess.properties(fx, dir);
    props.put("telemetry.service.readiness.max-checkpoint-age", "30s");
    Map<String, String> rocksDb = new java.util.HashMap<>(props);
    rocksDb.put("telemetry.state.backend", "rocksdb");
    props.put("telemetry.state.backend", "hashmap");

    ledger.sendReadings(0, 10, 5);
    ServiceProcess old = ServiceProcess.start("backend-1-rocksdb", rocksDb);
    old.awaitReady();
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(
            () -> fx.questDb().count("SELECT count() FROM " + fx.table) == ledger.all().stored());
    long completed = old.completedCheckpoints();
    await().atMost(Duration.ofSeconds(30)).until(() -> old.completedCheckpoints() > completed);
    old.kill();

    try (ServiceProcess refused = ServiceProcess.start("backend-2-refused", props)) {
      assertThat(refused.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
          .as("exits instead of starting")
          .isTrue();
      assertThat(refused.process().exitValue()).isNotZero();
      assertThat(refused.output())
          .contains(
              "format of state.backend=rocksdb",
              "STATE_BACKEND=rocksdb",
              "stop the service cleanly");
    }

    ledger.sendRepeatsOf(9, "after-kill");
    ledger.sendReadings(10, 15, 5);
    PipelineCounters onRocksDb;
    try (ServiceProcess again = ServiceProcess.start("backend-3-rocksdb", rocksDb)) {
      again.awaitReady();
      assertThat(restoredFrom(again)).as(again.output()).contains("chk-");
      check.awaitDrained();
      onRocksDb = check.awaitCounters(Span.sinceRestore("run after kill -9", again::counters));
      assertThat(again.terminate(30)).isTrue();
      assertThat(again.printed("stopped with savepoint")).as(again.output()).isTrue();
    }

    int mark = ledger.size();
    ledger.sendRepeatsOf(14, "on-heap");
    ledger.sendReadings(15, 20, 5);
    Span onHeap;
    try (ServiceProcess heap = ServiceProcess.start("backend-4-hashmap", props)) {
      heap.awaitReady();
      assertThat(restoredFrom(heap)).as(heap.output()).contains("savepoint-");
      PipelineCounters counted =
          check.awaitCounters(
              Span.exact("run on the heap from the savepoint", heap::counters, ledger.since(mark)));
      onHeap = Span.exact("run on the heap from the savepoint", () -> counted, ledger.since(mark));
      assertThat(heap.terminate(30)).isTrue();
    }

    check.assertExactlyOnce(Span.sinceRestore("run after kill -9", () -> onRocksDb), onHeap);
  }

  private static String restoredFrom(ServiceProcess service) {
    return service.output().lines().filter(l -> l.contains("restored from")).findFirst().orElse("");
  }
}
