package com.dcmms.telemetry.host.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Network memory of the embedded cluster follows the job's p² channels. */
class EmbeddedFlinkMemoryTest {
  @Test
  void keepsAFloorOf64MbForSmallJobs() {
    assertThat(EmbeddedFlink.networkMemoryMb(1)).isEqualTo(64);
    assertThat(EmbeddedFlink.networkMemoryMb(8)).isEqualTo(64);
  }

  @Test
  void growsWithTheSquareOfParallelism() {
    assertThat(EmbeddedFlink.networkMemoryMb(16)).isEqualTo(64);
    assertThat(EmbeddedFlink.networkMemoryMb(32)).isEqualTo(256);
    assertThat(EmbeddedFlink.networkMemoryMb(64)).isEqualTo(1024);
  }
}
