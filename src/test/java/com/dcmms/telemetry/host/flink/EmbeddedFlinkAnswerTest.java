package com.dcmms.telemetry.host.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.messages.FlinkJobNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the service tells the cluster's answer from "the job is gone" and from "no answer". */
class EmbeddedFlinkAnswerTest {
  private static final Duration SHORT = Duration.ofMillis(50);

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void returnsTheAnswer() {
    assertThat(EmbeddedFlink.await(CompletableFuture.completedFuture("graph"), SHORT))
        .contains("graph");
  }

  @Test
  void aJobTheClusterNoLongerKnowsIsEmpty() {
    CompletableFuture<String> answer =
        CompletableFuture.failedFuture(new FlinkJobNotFoundException(new JobID()));
    assertThat(EmbeddedFlink.await(answer, SHORT)).isEmpty();
  }

  @Test
  void noAnswerInTimeIsUnavailableNotEmpty() {
    assertThatThrownBy(() -> EmbeddedFlink.await(new CompletableFuture<String>(), SHORT))
        .isInstanceOf(FlinkUnavailable.class)
        .hasMessage("the embedded Flink cluster did not answer within 50 ms");
  }

  @Test
  void anInterruptIsUnavailableAndKeepsTheFlag() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(
            () -> EmbeddedFlink.await(new CompletableFuture<String>(), Duration.ofSeconds(30)))
        .isInstanceOf(FlinkUnavailable.class)
        .hasMessageContaining("interrupted");
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void anyOtherFailureIsUnavailableWithItsCause() {
    CompletableFuture<String> answer =
        CompletableFuture.failedFuture(new IllegalStateException("dispatcher is shutting down"));
    assertThatThrownBy(() -> EmbeddedFlink.await(answer, SHORT))
        .isInstanceOf(FlinkUnavailable.class)
        .hasMessageContaining("dispatcher is shutting down");
  }
}
