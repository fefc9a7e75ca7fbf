package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A QuestDB that never answers: the query fails after its own timeout, saying so. */
class QuestDbClientTest {
  @Test
  void aQueryThatGetsNoAnswerFailsAfterItsTimeoutWithTheReason() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try (Socket held = silent.accept()) {
                  held.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                  // the socket closes when the test ends
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      QuestDbClient client = new QuestDbClient("http://127.0.0.1:" + silent.getLocalPort());
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.query("SELECT count() FROM t", Duration.ofSeconds(1)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("did not answer within 1 s")
          .hasMessageContaining("SELECT count() FROM t");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
  }
}
