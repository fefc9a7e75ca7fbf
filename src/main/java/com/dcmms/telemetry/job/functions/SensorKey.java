package com.dcmms.telemetry.job.functions;

import com.dcmms.telemetry.job.records.TelemetryReading;
import org.apache.flink.api.java.functions.KeySelector;

/** Keys readings by sensor: {@code site_id:asset_id:sensor_id}. */
public class SensorKey implements KeySelector<TelemetryReading, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String getKey(TelemetryReading reading) {
    return reading.sensorKey();
  }
}
