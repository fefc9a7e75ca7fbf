package com.dcmms.telemetry.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.faults.DeliveryCheck;
import com.dcmms.telemetry.faults.DeliveryCheck.Span;
import com.dcmms.telemetry.faults.PipelineCounters;
import com.dcmms.telemetry.faults.SentLedger;
import com.dcmms.telemetry.job.it.PipelineFixture;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service through faults an operator meets on a gateway, one run after the other on
 * one ledger: at parallelism 8 QuestDB is down for 60 s mid-stream, readiness says so while it
 * lasts and the pipeline catches up after; then the service is resized to 4 and back to 8 through
 * the savepoint it takes on SIGTERM, and its dedup state carries over each change. Each run is
 * drained and its counters read just before it stops with a savepoint, so that the runs' counters
 * add up to the ledger exactly.
 */
@ExtendWith(RealServers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceFaultsIT {
  private static final Duration QUESTDB_OUTAGE = Duration.ofSeconds(60);

  /** Static: one directory for all phases, so that each run finds the savepoint of the last. */
  @TempDir static Path dir;

  // One per class, shared by the ordered phases; the real servers exist only from @BeforeAll on.
  private PipelineFixture fx;
  private SentLedger ledger;
  private DeliveryCheck check;

  /** The counters of each run, read before it stopped. */
  private final List<Span> runs = new ArrayList<>();

  private ServiceProcess service;
  private int runStart;

  @BeforeAll
  void createTopicsAndLedger() {
    fx = new PipelineFixture("service_faults");
    ledger = new SentLedger(fx, "site-g", 16);
    check = new DeliveryCheck(fx, ledger);
  }

  @AfterAll
  void closeService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  @Order(1)
  void reportsAQuestDbOutageInReadinessWhileItLastsAndCatchesUpAfter() throws Exception {
    ledger.sendReadings(0, 5, 5);
    ledger.sendRejects("p8");
    service = start("p8", 8);
    await("first readings stored")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> fx.questDb().count("SELECT count() FROM " + fx.table) > 0);

    fx.questDb().stop();
    long stoppedAt = System.nanoTime();
    try {
      ledger.sendReadings(5, 10, 5);
      ledger.sendRepeatsOf(9, "outage");
      ledger.sendRejects("outage");
      await("readiness reports the outage")
          .atMost(Duration.ofSeconds(30))
          .until(this::reportsQuestDbUnavailable);
      Duration rest = QUESTDB_OUTAGE.minusNanos(System.nanoTime() - stoppedAt);
      await("readiness reports the outage while it lasts")
          .during(rest)
          .atMost(rest.plusSeconds(10))
          .until(this::reportsQuestDbUnavailable);
    } finally {
      fx.questDb().start();
    }
    await("ready once QuestDB is back")
        .atMost(Duration.ofSeconds(60))
        .until(() -> service.get("/q/health/ready") == 200);
    assertThat(
            ServiceProcess.check(service.body("/q/health/ready"), "questdb-sink")
                .path("data")
                .path("questdb")
                .asText())
        .isEqualTo("available");
    endRun("run at p=8 through the QuestDB outage");
  }

  @Test
  @Order(2)
  void resizedTo4FromItsSavepointStillDropsRepeatsOfReadingsSentBefore() throws Exception {
    resizeTo(4, 9, 10, 15);
  }

  @Test
  @Order(3)
  void resizedBackTo8FromItsSavepointStillDropsRepeatsOfReadingsSentBefore() throws Exception {
    resizeTo(8, 14, 15, 20);
  }

  @Test
  @Order(9)
  void deliversEveryRecordOnceAndTheRunsCountersAddUpToTheLedger() throws Exception {
    stopWithSavepoint();
    check.assertExactlyOnce(runs.toArray(Span[]::new));
  }

  /**
   * Stops the service with its savepoint and starts it at another parallelism, as an operator would
   * after resizing the gateway; then sends an exact and a near duplicate of each sensor's last
   * reading before the change, and new readings.
   */
  private void resizeTo(int parallelism, int lastReadingBefore, int from, int to) throws Exception {
    stopWithSavepoint();
    service = start("p" + parallelism + "-after-p" + lastReadingBefore, parallelism);
    JsonNode pipeline = PipelineFixture.JSON.readTree(service.body("/api/pipeline"));
    assertThat(pipeline.path("parallelism").asInt()).isEqualTo(parallelism);
    assertThat(pipeline.path("restoredFrom").asText()).contains("savepoint-");

    ledger.sendRepeatsOf(lastReadingBefore, "p" + parallelism);
    ledger.sendReadings(from, to, 5);
    ledger.sendRejects("p" + parallelism);
    endRun("run at p=" + parallelism + " from the savepoint");
  }

  private void stopWithSavepoint() throws InterruptedException {
    assertThat(service.terminate(60)).as("exits after SIGTERM").isTrue();
    assertThat(service.printed("stopped with savepoint")).as(service.output()).isTrue();
  }

  private ServiceProcess start(String name, int parallelism) throws IOException {
    Map<String, String> props = ServiceProcess.properties(fx, dir);
    props.put("telemetry.parallelism", Integer.toString(parallelism));
    // Retries outlast the outage, so the job never restarts and each run's counters stay exact.
    props.put("telemetry.questdb.retry-timeout", "3 min");
    ServiceProcess s = ServiceProcess.start("faults-" + name, props);
    s.awaitReady();
    return s;
  }

  /**
   * Waits until the run's counters match what it was sent (so it has read, dropped, stored and
   * dead-lettered all of it) and keeps them: they go when it stops. Its outputs commit with the
   * savepoint and are checked at the end.
   */
  private void endRun(String label) {
    SentLedger.Slice slice = ledger.since(runStart);
    PipelineCounters counted = check.awaitCounters(Span.exact(label, service::counters, slice));
    runs.add(Span.exact(label, () -> counted, slice));
    runStart = ledger.size();
  }

  private boolean reportsQuestDbUnavailable() throws Exception {
    ServiceProcess.Reply ready = service.fetch("/q/health/ready");
    JsonNode questDb = ServiceProcess.check(ready.body(), "questdb-sink");
    return ready.status() == 503
        && "DOWN".equals(questDb.path("status").asText())
        && "unavailable".equals(questDb.path("data").path("questdb").asText());
  }
}
