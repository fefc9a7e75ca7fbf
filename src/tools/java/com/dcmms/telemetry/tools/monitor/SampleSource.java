package com.dcmms.telemetry.tools.monitor;

import java.io.IOException;

/** Where samples come from: the embedded service, or a Flink cluster's REST API. */
public interface SampleSource {
  Sample sample() throws IOException, InterruptedException;
}
