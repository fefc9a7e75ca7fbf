package com.dcmms.telemetry.host.flink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Network memory of the embedded cluster follows the job's p² channels. */
class EmbeddedFlinkMemoryTest {
  @Test
  void keepsAFloorOf16MbForSmallJobs() {
    assertThat(EmbeddedFlink.networkMemoryMb(1)).isEqualTo(16);
    assertThat(EmbeddedFlink.networkMemoryMb(8)).isEqualTo(16);
  }

  @Test
  void growsWithTheSquareOfParallelism() {
    assertThat(EmbeddedFlink.networkMemoryMb(16)).isEqualTo(48);
    assertThat(EmbeddedFlink.networkMemoryMb(32)).isEqualTo(160);
    assertThat(EmbeddedFlink.networkMemoryMb(64)).isEqualTo(576);
  }
}
