package com.dcmms.telemetry.tools.loadgen;

import com.dcmms.telemetry.tools.cli.Cli;
import com.dcmms.telemetry.tools.cli.Unreachable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Before a run: are Kafka and QuestDB there? A server that does not answer is an {@link
 * Unreachable} (exit status 2) within {@link #TIMEOUT}, instead of a producer that blocks for a
 * minute per send or a verification that waits for rows that cannot come.
 */
final class Reachability {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  // The admin client warns on every failed connection attempt; the probe's verdict says it once.
  private static final Logger NETWORK = Logger.getLogger("org.apache.kafka.clients.NetworkClient");

  private Reachability() {}

  /** Some broker of {@code bootstrapServers} accepts a connection and answers as Kafka. */
  static void kafka(String bootstrapServers) {
    String where = "Kafka at " + bootstrapServers + " (--bootstrap-servers)";
    // A refused or unresolvable address is known at once; the admin client would retry it until
    // its timeout.
    List<String> refused = new ArrayList<>();
    for (String server : bootstrapServers.split(",")) {
      String refusal = refusal(server.trim());
      if (refusal == null) {
        refused.clear();
        break;
      }
      refused.add(refusal);
    }
    if (!refused.isEmpty()) {
      throw new Unreachable("cannot reach " + where + ": " + String.join("; ", refused), null);
    }
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    Level level = NETWORK.getLevel();
    NETWORK.setLevel(Level.SEVERE);
    try (Admin admin = Admin.create(p)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
          .nodes()
          .get(TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new Unreachable(
          where
              + " did not answer as Kafka within "
              + TIMEOUT.toSeconds()
              + " s: "
              + Cli.causes(e instanceof ExecutionException ? e.getCause() : e),
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while reaching " + where, e);
    } finally {
      NETWORK.setLevel(level);
    }
  }

  /** QuestDB answers a query at its HTTP endpoint. */
  static void questDb(QuestDbClient questDb, String url) {
    try {
      questDb.query("SELECT 1", TIMEOUT);
    } catch (java.net.ConnectException e) {
      throw new Unreachable(
          "cannot reach QuestDB at " + url + " (--questdb-url): " + Cli.connectFailure(e), null);
    } catch (IOException e) {
      throw new Unreachable(
          "cannot reach QuestDB at " + url + " (--questdb-url): " + Cli.causes(e), null);
    }
  }

  /** Why nothing accepts a connection at {@code host:port}, or null when something does. */
  private static String refusal(String server) {
    int colon = server.lastIndexOf(':');
    if (colon <= 0) {
      return server + " is not host:port";
    }
    String host = server.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(server.substring(colon + 1));
    } catch (NumberFormatException e) {
      return server + " is not host:port";
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      return "cannot resolve " + host;
    }
    try (Socket socket = new Socket()) {
      socket.connect(address, (int) TIMEOUT.toMillis());
      return null;
    } catch (IOException e) {
      return server + ": " + Cli.causes(e);
    }
  }
}
