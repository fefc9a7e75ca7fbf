package com.dcmms.telemetry.tools.bench;

import com.dcmms.telemetry.testkit.ChildProcess;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * CPU used since it was made by the service (or this JVM) and by the servers, in cores and in µs
 * per event.
 */
final class CpuShare {
  private final DoubleSupplier subject;
  private final ChildProcess servers;
  private final double subject0;
  private final double servers0;
  private final long t0 = System.nanoTime();

  private CpuShare(DoubleSupplier subject, ChildProcess servers) {
    this.subject = subject;
    this.servers = servers;
    this.subject0 = subject.getAsDouble();
    this.servers0 = servers.cpuSeconds();
  }

  CpuShare(ChildProcess service, ChildProcess servers) {
    this(service::cpuSeconds, servers);
  }

  /**
   * This JVM's CPU (the bare baseline's loop runs here, and nothing else while it does) and the
   * servers'.
   */
  static CpuShare ofThisJvm(ChildProcess servers) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return new CpuShare(() -> os.getProcessCpuTime() / 1e9, servers);
  }

  /** Cores: "service / servers of N". */
  String since() {
    double seconds = (System.nanoTime() - t0) / 1e9;
    return String.format(
        Locale.ROOT,
        "%.2f / %.2f of %d",
        subjectSeconds() / seconds,
        serversSeconds() / seconds,
        Runtime.getRuntime().availableProcessors());
  }

  /** µs per event, "subject / servers". */
  String perEvent(long events) {
    return String.format(
        Locale.ROOT,
        "%.1f / %.1f",
        micros(subjectSeconds(), events),
        micros(serversSeconds(), events));
  }

  double subjectMicrosPerEvent(long events) {
    return micros(subjectSeconds(), events);
  }

  private double subjectSeconds() {
    return subject.getAsDouble() - subject0;
  }

  private double serversSeconds() {
    return servers.cpuSeconds() - servers0;
  }

  private static double micros(double seconds, long events) {
    return events <= 0 ? Double.NaN : seconds * 1e6 / events;
  }
}
