package com.dcmms.telemetry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds currently free TCP ports on 127.0.0.1 for servers that must be told their port up front.
 */
public final class FreePorts {

  private FreePorts() {}

  /** One free port. */
  public static int loopback() {
    return loopback(1)[0];
  }

  /**
   * Returns {@code count} distinct free ports; all probe sockets stay open until the end so none
   * repeats.
   */
  public static int[] loopback(int count) {
    ServerSocket[] probes = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        probes[i] = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        probes[i].setReuseAddress(true);
        ports[i] = probes[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot find " + count + " free loopback ports", e);
    } finally {
      for (ServerSocket probe : probes) {
        if (probe != null) {
          try {
            probe.close();
          } catch (IOException ignored) {
            // The port was only probed; a failed close does not keep it bound.
          }
        }
      }
    }
  }
}
