package com.dcmms.telemetry.devinfra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev-mode producer of believable sensor readings (3 sites × 4 assets × 5 sensors) to {@code
 * raw_telemetry}, with about 2 % each of exact duplicates, out-of-range values and malformed
 * records so every path of the job shows.
 */
public final class DemoGenerator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoGenerator.class);
  private static final long TICK_MS = 100;
  private static final double ANOMALY_SHARE = 0.02;
  private static final String[] SITES = {"site-north", "site-south", "site-east"};
  private static final String[] ASSETS = {
    "inverter-01", "inverter-02", "transformer-01", "pump-01"
  };
  private static final String[] FIRMWARE = {"2.4.1", "2.4.1", "3.0.0-rc2", "1.9.7"};

  /**
   * The five kinds of sensor on every asset: base value range, noise and drift per reading, and an
   * absurd value.
   */
  private enum Kind {
    TEMPERATURE("°C", 20, 80, 0.3, 0.05, 400),
    VOLTAGE("V", 226, 234, 1.0, 0.1, 900),
    CURRENT("A", 20, 120, 1.5, 0.2, 2_000),
    POWER("kW", 5, 250, 2.0, 0.5, 50_000),
    VIBRATION("mm/s", 0.5, 6, 0.2, 0.02, 250);

    final String unit;
    final double min;
    final double max;
    final double noise;
    final double drift;
    final double outOfRange;

    Kind(String unit, double min, double max, double noise, double drift, double outOfRange) {
      this.unit = unit;
      this.min = min;
      this.max = max;
      this.noise = noise;
      this.drift = drift;
      this.outOfRange = outOfRange;
    }
  }

  /** One physical sensor: its identity and a value that drifts slowly around its own base. */
  private static final class Sensor {
    final String siteId;
    final String assetId;
    final String sensorId;
    final Kind kind;
    final double base;
    final String firmware;
    double drift;

    Sensor(String siteId, String assetId, Kind kind, double base, String firmware) {
      this.siteId = siteId;
      this.assetId = assetId;
      this.sensorId = assetId + "-" + kind.name().toLowerCase(Locale.ROOT);
      this.kind = kind;
      this.base = base;
      this.firmware = firmware;
    }

    /**
     * The record key of the event contract, so one sensor's readings stay in order on one
     * partition.
     */
    String key() {
      return siteId + ":" + assetId + ":" + sensorId;
    }
  }

  private final String topic;
  private final double ratePerSecond;
  private final KafkaProducer<String, String> producer;
  private final List<Sensor> sensors = new ArrayList<>();
  private final Random random = new Random();
  private final ObjectMapper json = new ObjectMapper();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "demo-generator");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private double owed;
  private int next;
  private String lastRecord;
  private String lastKey;

  private DemoGenerator(String bootstrapServers, String topic, double ratePerSecond) {
    this.topic = topic;
    this.ratePerSecond = ratePerSecond;
    // A fixed seed gives every sensor the same base on every run, so dashboards look alike across
    // restarts.
    Random bases = new Random(42);
    for (int s = 0; s < SITES.length; s++) {
      for (int a = 0; a < ASSETS.length; a++) {
        for (Kind kind : Kind.values()) {
          double base = kind.min + bases.nextDouble() * (kind.max - kind.min);
          sensors.add(new Sensor(SITES[s], ASSETS[a], kind, base, FIRMWARE[a]));
        }
      }
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    // While the broker is away, give up on a send after 10 s instead of blocking the ticker for a
    // minute.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "dev-demo-generator");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  /**
   * Starts sending about {@code ratePerSecond} records a second to {@code topic} until {@link
   * #close()}.
   */
  public static DemoGenerator start(String bootstrapServers, String topic, double ratePerSecond) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(
          "Demo rate must be a positive number of events per second but was " + ratePerSecond);
    }
    DemoGenerator generator = new DemoGenerator(bootstrapServers, topic, ratePerSecond);
    generator.ticker.scheduleAtFixedRate(generator::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    LOG.info(
        "Demo generator sending {} events/s of {} sensors to {}",
        ratePerSecond,
        generator.sensors.size(),
        topic);
    return generator;
  }

  /** Records handed to the producer so far. */
  public long sent() {
    return sent.get();
  }

  @Override
  public void close() {
    ticker.shutdown();
    try {
      if (!ticker.awaitTermination(5, TimeUnit.SECONDS)) {
        ticker.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Flushes what is in flight, so a clean stop loses no reading that was already counted as sent.
    producer.close(Duration.ofSeconds(5));
    LOG.info("Demo generator stopped after {} records ({} failed)", sent.get(), failed.get());
  }

  private void tick() {
    // Fractional rates (say 3/s at 10 ticks/s) carry over from tick to tick.
    owed += ratePerSecond * TICK_MS / 1000.0;
    try {
      while (owed >= 1) {
        owed--;
        sendOne();
      }
    } catch (RuntimeException e) {
      // An exception would cancel the schedule; a dev generator should rather keep trying.
      owed = 0;
      LOG.warn("Demo generator could not send: {}", e.toString());
    }
  }

  private void sendOne() {
    double dice = random.nextDouble();
    if (dice < ANOMALY_SHARE && lastRecord != null) {
      send(
          lastKey, lastRecord); // an exact duplicate, as a bridge re-sending after a lost ack would
      return;
    }
    Sensor sensor = sensors.get(next);
    next = (next + 1) % sensors.size();
    ObjectNode event = reading(sensor);
    String record;
    if (dice < 2 * ANOMALY_SHARE) {
      event.put("value", sensor.kind.outOfRange);
      record = write(event);
    } else if (dice < 3 * ANOMALY_SHARE) {
      record = malformed(event);
    } else {
      record = write(event);
    }
    lastKey = sensor.key();
    lastRecord = record;
    send(sensor.key(), record);
  }

  private ObjectNode reading(Sensor sensor) {
    Kind kind = sensor.kind;
    // A random walk within ±10 % of the sensor's range around its base, plus Gaussian noise on each
    // reading.
    double span = kind.max - kind.min;
    double drift = sensor.drift + (random.nextDouble() - 0.5) * 2 * kind.drift;
    sensor.drift = Math.max(-0.1 * span, Math.min(0.1 * span, drift));
    double value = Math.max(0, sensor.base + sensor.drift + random.nextGaussian() * kind.noise);
    ObjectNode event = json.createObjectNode();
    event.put("event_id", UUID.randomUUID().toString());
    event.put("timestamp", System.currentTimeMillis());
    event.put("site_id", sensor.siteId);
    event.put("asset_id", sensor.assetId);
    event.put("sensor_id", sensor.sensorId);
    event.put("sensor_type", kind.name());
    event.put("value", Math.round(value * 1000) / 1000.0);
    event.put("unit", kind.unit);
    event.put("quality_flag", "GOOD");
    event.put("source", "MQTT");
    event.putObject("metadata").put("firmware", sensor.firmware);
    return event;
  }

  /**
   * One of three ways a broken device or bridge gets it wrong; the job must send each to the
   * dead-letter topic.
   */
  private String malformed(ObjectNode event) {
    switch (random.nextInt(3)) {
      case 0 -> {
        String whole = write(event);
        return whole.substring(0, whole.length() / 2);
      }
      case 1 -> {
        event.remove("site_id");
        return write(event);
      }
      default -> {
        event.put("value", String.valueOf(event.get("value").asDouble()));
        return write(event);
      }
    }
  }

  private String write(ObjectNode event) {
    try {
      return json.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize demo event " + event, e);
    }
  }

  private void send(String key, String record) {
    producer.send(
        new ProducerRecord<>(topic, key, record),
        (metadata, error) -> {
          // One line for the first failure and then every 1000th, not one per record while Kafka is
          // away.
          if (error != null && failed.getAndIncrement() % 1000 == 0) {
            LOG.warn(
                "Demo generator failed to send to {} ({} failures so far): {}",
                topic,
                failed.get(),
                error.toString());
          }
        });
    sent.incrementAndGet();
  }
}
