package com.dcmms.telemetry.tools.bench;

import java.util.Locale;

/** CPU used by the service and by the servers since it was made, in cores (the load generator is the rest). */
final class CpuShare {
  private final ChildProcess service;
  private final ChildProcess servers;
  private final double service0;
  private final double servers0;
  private final long t0 = System.nanoTime();

  CpuShare(ChildProcess service, ChildProcess servers) {
    this.service = service;
    this.servers = servers;
    this.service0 = service.cpuSeconds();
    this.servers0 = servers.cpuSeconds();
  }

  String since() {
    double seconds = (System.nanoTime() - t0) / 1e9;
    return String.format(Locale.ROOT, "%.2f / %.2f of %d", (service.cpuSeconds() - service0) / seconds,
        (servers.cpuSeconds() - servers0) / seconds, Runtime.getRuntime().availableProcessors());
  }
}
