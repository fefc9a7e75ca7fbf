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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * The packaged service at parallelism 8 through faults an operator meets on a gateway, one run
 * after the other on one ledger: QuestDB down for 60 s mid-stream, readiness saying so while it
 * lasts and the pipeline catching up after. Each run is drained and its counters read just before
 * it stops with a savepoint, so that the runs' counters add up to the ledger exactly.
 */
@ExtendWith(RealServers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceFaultsIT {
  private static final Duration QUESTDB_OUTAGE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

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
    long base = Instant.now().minus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
    ledger = new SentLedger(fx, "site-g", 16, base);
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
    check.awaitDrained();

    fx.questDb().stop();
    long stoppedAt = System.nanoTime();
    try {
      ledger.sendReadings(5, 10, 5);
      ledger.sendRepeatsOf(9, "outage");
      ledger.sendRejects("outage");
      await("readiness reports the outage").atMost(Duration.ofSeconds(30))
          .until(this::reportsQuestDbUnavailable);
      Duration rest = QUESTDB_OUTAGE.minusNanos(System.nanoTime() - stoppedAt);
      await("readiness reports the outage while it lasts").during(rest)
          .atMost(rest.plusSeconds(10)).until(this::reportsQuestDbUnavailable);
    } finally {
      fx.questDb().start();
    }
    await("ready once QuestDB is back").atMost(Duration.ofSeconds(60))
        .until(() -> service.get("/q/health/ready") == 200);
    assertThat(questDbCheck(service.body("/q/health/ready")).path("data").path("questdb").asText())
        .isEqualTo("available");
    check.awaitDrained();
    endRun("run at p=8 through the QuestDB outage");
  }

  @Test
  @Order(9)
  void deliversEveryRecordOnceAndTheRunsCountersAddUpToTheLedger() throws Exception {
    assertThat(service.terminate(60)).as("exits after SIGTERM").isTrue();
    assertThat(service.printed("stopped with savepoint")).as(service.output()).isTrue();
    check.assertExactlyOnce(runs.toArray(Span[]::new));
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

  /** Reads the drained run's counters, which must match what it was sent, before it stops. */
  private void endRun(String label) {
    SentLedger.Slice slice = ledger.since(runStart);
    PipelineCounters counted = check.awaitCounters(Span.exact(label, service::counters, slice));
    runs.add(Span.exact(label, () -> counted, slice));
    runStart = ledger.size();
  }

  private boolean reportsQuestDbUnavailable() throws Exception {
    ServiceProcess.Reply ready = service.fetch("/q/health/ready");
    JsonNode questDb = questDbCheck(ready.body());
    return ready.status() == 503 && "DOWN".equals(questDb.path("status").asText())
        && "unavailable".equals(questDb.path("data").path("questdb").asText());
  }

  private static JsonNode questDbCheck(String readiness) throws IOException {
    for (JsonNode c : PipelineFixture.JSON.readTree(readiness).path("checks")) {
      if (c.path("name").asText().equals("questdb-sink")) {
        return c;
      }
    }
    throw new AssertionError("no questdb-sink check in " + readiness);
  }
}
