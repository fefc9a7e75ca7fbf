package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.loadgen.GeneratedEvent.Kind;
import com.dcmms.telemetry.tools.loadgen.SensorProfile.Sensor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Makes one worker's events so that the pipeline's outcome is known exactly: every normal or
 * out-of-range reading has a unique (sensor, timestamp) and differs by at least 3 % from the
 * sensor's previous reading, so it is never dropped; duplicates and near duplicates are made so
 * that the job's rules surely drop them.
 *
 * <p>Not thread-safe: one factory per worker, which owns its sensors exclusively.
 */
public final class EventFactory {
  /** Normal readings move at least this much, three times the job's 1 % deadband. */
  static final double MIN_STEP = 0.03;

  /** Near duplicates stay within this of the last emitted value, well inside the deadband. */
  static final double NEAR = 0.001;

  /**
   * Duplicates and near duplicates only refer to readings at most this old, half the job's 60 s
   * dedup window, so they fall inside it even with some clock skew or disorder.
   */
  static final long MAX_REFERENCE_AGE_MS = 30_000;

  private final LoadTestOptions o;
  private final int worker;
  private final SplittableRandom random;
  private final LongSupplier clockMillis;
  private final List<Sensor> sensors;
  private final SensorState[] states;
  private int nextSensor;
  private long seq;

  /** The worker's last emitted reading, the one exact duplicates repeat. */
  private GeneratedEvent lastEmitted;

  private long lastEmittedTimestamp;
  private SensorState lastEmittedSensor;

  /** A sensor's history as the job will see it (per-sensor order is kept by the record key). */
  static final class SensorState {
    final Sensor sensor;
    long maxTimestamp = Long.MIN_VALUE;

    /** Timestamps within max-disorder of the newest, so moved-back ones stay unique. */
    final TreeSet<Long> recent = new TreeSet<>();

    boolean hasEmitted;
    double lastEmittedValue;
    long lastEmittedTimestamp;
    double lastSentValue;

    SensorState(Sensor sensor) {
      this.sensor = sensor;
    }
  }

  public EventFactory(LoadTestOptions o, int worker, long seed, LongSupplier clockMillis) {
    this.o = o;
    this.worker = worker;
    this.random = new SplittableRandom(seed);
    this.clockMillis = clockMillis;
    this.sensors = SensorProfile.sensorsOf(o, worker);
    this.states = sensors.stream().map(SensorState::new).toArray(SensorState[]::new);
  }

  /** The next event of this worker. */
  public GeneratedEvent next() {
    long now = clockMillis.getAsLong();
    String id = o.eventIdPrefix() + worker + "-" + (seq++);
    double r = random.nextDouble();
    if ((r -= o.malformed()) < 0) {
      return malformed(id, states[random.nextInt(states.length)], now);
    }
    if ((r -= o.duplicates()) < 0
        && lastEmitted != null
        && now - lastEmittedTimestamp <= MAX_REFERENCE_AGE_MS) {
      return new GeneratedEvent(
          Kind.EXACT_DUPLICATE,
          lastEmitted.eventId(),
          lastEmitted.key(),
          lastEmitted.payload(),
          false,
          false);
    }
    if ((r -= o.nearDuplicates()) < 0
        && lastEmittedSensor != null
        && timestampFor(lastEmittedSensor, now) - lastEmittedSensor.lastEmittedTimestamp
            <= MAX_REFERENCE_AGE_MS) {
      return nearDuplicate(id, lastEmittedSensor, now);
    }
    // Anomalies are drawn from the rest so the shares of the other kinds stay as asked even when
    // a duplicate had nothing recent enough to repeat.
    boolean anomaly =
        random.nextDouble() * (1 - o.malformed() - o.duplicates() - o.nearDuplicates())
            < o.anomalies();
    SensorState s = states[nextSensor];
    nextSensor = (nextSensor + 1) % states.length; // round robin: each sensor reports evenly
    return reading(id, s, now, anomaly);
  }

  private GeneratedEvent reading(String id, SensorState s, long now, boolean anomaly) {
    SensorProfile.Type t = s.sensor.type();
    double span = t.max() - t.min();
    double value;
    do {
      value =
          anomaly
              ? t.max() + span * (0.1 + 0.9 * random.nextDouble())
              : t.min() + span * (0.1 + 0.8 * random.nextDouble());
    } while (!farFrom(value, s));
    boolean outOfOrder =
        o.outOfOrder() > 0
            && o.maxDisorder().toMillis() > 0
            && random.nextDouble() < o.outOfOrder();
    long ts = outOfOrder ? movedBack(s, now) : Long.MIN_VALUE;
    if (ts == Long.MIN_VALUE) {
      outOfOrder = false;
      ts = take(s, timestampFor(s, now));
    }
    s.hasEmitted = true;
    s.lastEmittedValue = value;
    s.lastEmittedTimestamp = ts;
    s.lastSentValue = value;
    GeneratedEvent e =
        new GeneratedEvent(
            anomaly ? Kind.ANOMALY : Kind.VALID,
            id,
            s.sensor.key(),
            json(id, ts, s.sensor, value),
            outOfOrder,
            random.nextDouble() < o.latencySample());
    lastEmitted = e;
    lastEmittedTimestamp = ts;
    lastEmittedSensor = s;
    return e;
  }

  /**
   * Whether a value moves at least {@link #MIN_STEP} from both the last sent and last emitted one.
   */
  private static boolean farFrom(double value, SensorState s) {
    if (!s.hasEmitted) {
      return true;
    }
    return Math.abs(value - s.lastSentValue) >= MIN_STEP * Math.abs(s.lastSentValue)
        && Math.abs(value - s.lastEmittedValue) >= MIN_STEP * Math.abs(s.lastEmittedValue);
  }

  private GeneratedEvent nearDuplicate(String id, SensorState s, long now) {
    // Same quality flag as the last emitted reading follows: an out-of-range value stays out of
    // range within 0.1 %, an in-range one (10..90 % of the span) stays in range.
    double value = s.lastEmittedValue * (1 + NEAR * 0.9 * (2 * random.nextDouble() - 1));
    long ts = take(s, timestampFor(s, now));
    s.lastSentValue = value;
    return new GeneratedEvent(
        Kind.NEAR_DUPLICATE, id, s.sensor.key(), json(id, ts, s.sensor, value), false, false);
  }

  /** The next in-order timestamp: now, or just after the sensor's newest one. */
  private static long timestampFor(SensorState s, long now) {
    return s.maxTimestamp == Long.MIN_VALUE ? now : Math.max(now, s.maxTimestamp + 1);
  }

  /**
   * A timestamp up to max-disorder before the in-order one, unused by this sensor; MIN_VALUE if
   * none.
   */
  private long movedBack(SensorState s, long now) {
    long base = timestampFor(s, now);
    long bound = o.maxDisorder().toMillis();
    long candidate = base - 1 - random.nextLong(bound);
    while (candidate >= base - bound && s.recent.contains(candidate)) {
      candidate--;
    }
    return candidate >= base - bound ? take(s, candidate) : Long.MIN_VALUE;
  }

  private long take(SensorState s, long ts) {
    s.maxTimestamp = Math.max(s.maxTimestamp, ts);
    s.recent.add(ts);
    // Anything older can never be chosen again: new timestamps are >= newest + 1 - max-disorder.
    s.recent.headSet(s.maxTimestamp - o.maxDisorder().toMillis() - 1).clear();
    return ts;
  }

  private GeneratedEvent malformed(String id, SensorState s, long now) {
    Sensor sn = s.sensor;
    // Every variant keeps the run id in its text, so its dead letter can be told apart.
    String valid = new String(json(id, now, sn, 1.0), StandardCharsets.UTF_8);
    String text =
        switch (random.nextInt(7)) {
          case 0 -> valid.substring(0, valid.indexOf("\"timestamp\"") + 12); // truncated
          case 1 -> valid.replace("\"site_id\":\"" + sn.siteId() + "\",", ""); // missing field
          case 2 -> valid.replace("\"value\":1.0", "\"value\":\"1.0\""); // wrong type
          case 3 -> valid.replace("\"value\":1.0", "\"value\":NaN"); // not finite
          case 4 ->
              valid.replace(
                  "\"timestamp\":" + now, "\"timestamp\":" + (now - 172_800_000L)); // 2 days old
          case 5 -> "[\"" + id + "\"]"; // not an object
          default ->
              valid.replace("\"unit\"", "\"quality_flag\":\"EXCELLENT\",\"unit\""); // bad flag
        };
    return new GeneratedEvent(
        Kind.MALFORMED, id, sn.key(), text.getBytes(StandardCharsets.UTF_8), false, false);
  }

  static byte[] json(String id, long ts, Sensor s, double value) {
    // Hand-written: ids and labels are plain ASCII by construction, and this runs per event.
    return ("{\"event_id\":\""
            + id
            + "\",\"timestamp\":"
            + ts
            + ",\"site_id\":\""
            + s.siteId()
            + "\",\"asset_id\":\""
            + s.assetId()
            + "\",\"sensor_id\":\""
            + s.sensorId()
            + "\",\"sensor_type\":\""
            + s.type().name()
            + "\",\"value\":"
            + value
            + ",\"unit\":\""
            + s.type().unit()
            + "\",\"source\":\"LOAD_TEST\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
