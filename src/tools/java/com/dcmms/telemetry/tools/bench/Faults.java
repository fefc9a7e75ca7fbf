package com.dcmms.telemetry.tools.bench;

import static com.dcmms.telemetry.tools.bench.BenchRig.say;

import com.dcmms.telemetry.testkit.ChildProcess;
import com.dcmms.telemetry.tools.monitor.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Faults injected into a running load at set times, each watched until the pipeline recovered. */
final class Faults {
  /** How often the job's state is read after a kill: the time to RUNNING is a target in seconds. */
  private static final Duration STATE_EVERY = Duration.ofMillis(100);

  /** How often the lag is read until the pipeline caught up. */
  private static final Duration LAG_EVERY = Duration.ofMillis(500);

  /** Longest watch after a fault ended; a pipeline not caught up by then reads "never". */
  private static final Duration WATCH_LIMIT = Duration.ofMinutes(5);

  /** One fault: what, and when after the load's start; {@code outage} only for QuestDB. */
  record Planned(Recovery.Kind kind, Duration at, Duration outage) {}

  private final BenchRig rig;
  private final ChildProcess service;
  private final ChildProcess servers;
  private final List<Planned> plan;
  private final long lagLimit;
  private final List<Recovery> recoveries = new ArrayList<>();
  private Thread thread;
  private volatile Exception failure;

  /** {@code lagLimit}: the lag that counts as caught up. */
  Faults(
      BenchRig rig, ChildProcess service, ChildProcess servers, List<Planned> plan, long lagLimit) {
    this.rig = rig;
    this.service = service;
    this.servers = servers;
    this.plan = List.copyOf(plan);
    this.lagLimit = lagLimit;
  }

  /**
   * How long a fault can hold the outputs still: the verification must not take that for the end.
   */
  Duration longestStall() {
    Duration longest = Duration.ZERO;
    for (Planned p : plan) {
      Duration stall = p.outage().plus(Duration.ofSeconds(60)); // plus a restart and a catch-up
      longest = stall.compareTo(longest) > 0 ? stall : longest;
    }
    return longest;
  }

  /** On a thread of their own, so that the load's sampling goes on meanwhile. */
  void start(long loadStartMillis) {
    thread =
        new Thread(
            () -> {
              try {
                for (Planned p : plan) {
                  long wait = loadStartMillis + p.at().toMillis() - System.currentTimeMillis();
                  if (wait > 0) {
                    Thread.sleep(wait); // until the fault's time
                  }
                  Recovery r =
                      p.kind() == Recovery.Kind.SERVICE_KILLED ? kill() : questDbOutage(p.outage());
                  synchronized (recoveries) {
                    recoveries.add(r);
                  }
                  say(
                      "%s at %.0f s: %s after %s s, caught up after %s s, lag max %,d",
                      r.kind().what,
                      (r.atMillis() - loadStartMillis) / 1000.0,
                      r.kind().resumed,
                      Recovery.seconds(r.secondsAfterCleared(r.resumedAtMillis())),
                      Recovery.seconds(r.secondsAfterCleared(r.caughtUpAtMillis())),
                      r.maxLag());
                }
              } catch (Exception e) {
                failure = e;
              }
            },
            "bench-faults");
    thread.setDaemon(true);
    thread.start();
  }

  /** Waits for every fault to be injected and watched; rethrows what went wrong. */
  List<Recovery> finish() throws Exception {
    thread.join();
    if (failure != null) {
      throw failure;
    }
    synchronized (recoveries) {
      return List.copyOf(recoveries);
    }
  }

  /** {@code kill -9}, and the same service started again at once on the same directories. */
  private Recovery kill() throws Exception {
    long at = System.currentTimeMillis();
    service.killAndRestart();
    List<Recovery.Poll> polls = new ArrayList<>();
    long deadline = at + WATCH_LIMIT.toMillis();
    // The job's state alone, often: a full look reads the metrics too and takes longer.
    while (System.currentTimeMillis() < deadline) {
      String state = rig.jobState();
      polls.add(new Recovery.Poll(System.currentTimeMillis(), state, -1, -1));
      if ("RUNNING".equals(state)) {
        break;
      }
      Thread.sleep(STATE_EVERY.toMillis()); // a polling period
    }
    return watch(Recovery.Kind.SERVICE_KILLED, at, at, polls, deadline);
  }

  /**
   * QuestDB stopped inside the dev servers for {@code outage}, on the same data and ports after.
   */
  private Recovery questDbOutage(Duration outage) throws Exception {
    long at = System.currentTimeMillis();
    questDb("stop");
    List<Recovery.Poll> polls = new ArrayList<>();
    long until = at + outage.toMillis();
    while (System.currentTimeMillis() < until) {
      polls.add(look());
      Thread.sleep(Math.max(0, Math.min(LAG_EVERY.toMillis(), until - System.currentTimeMillis())));
    }
    questDb("start");
    long cleared = System.currentTimeMillis();
    return watch(
        Recovery.Kind.QUESTDB_STOPPED, at, cleared, polls, cleared + WATCH_LIMIT.toMillis());
  }

  /** A command on the dev servers' stdin, answered by one line (see DevServersMain). */
  private void questDb(String verb) throws Exception {
    String answer =
        servers.ask(
            "questdb " + verb,
            line ->
                line.startsWith("DEV-SERVERS QUESTDB")
                    || line.startsWith("DEV-SERVERS COMMAND FAILED"),
            Duration.ofMinutes(1));
    if (answer.startsWith("DEV-SERVERS COMMAND FAILED")) {
      throw new IllegalStateException("the dev servers could not " + verb + " QuestDB: " + answer);
    }
  }

  /** Full looks until the pipeline resumed and caught up, or the deadline. */
  private Recovery watch(
      Recovery.Kind kind, long at, long cleared, List<Recovery.Poll> polls, long deadline)
      throws InterruptedException {
    Recovery r = Recovery.of(kind, at, cleared, polls, lagLimit);
    while (!r.recovered() && System.currentTimeMillis() < deadline) {
      Thread.sleep(LAG_EVERY.toMillis()); // a polling period
      polls.add(look());
      r = Recovery.of(kind, at, cleared, polls, lagLimit);
    }
    return r;
  }

  private Recovery.Poll look() throws InterruptedException {
    Sample s = BenchRig.trySample(rig.serviceSource());
    return s == null
        ? new Recovery.Poll(System.currentTimeMillis(), null, -1, -1)
        : new Recovery.Poll(s.atMillis(), s.state(), s.recordsOut(), s.consumerLag());
  }
}
