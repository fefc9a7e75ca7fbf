package com.dcmms.telemetry.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dcmms.telemetry.devinfra.RealServers;
import com.dcmms.telemetry.job.it.PipelineFixture;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bare baseline drains a topic into QuestDB and accounts for every record. */
@ExtendWith(RealServers.class)
class BareBaselineIT {
  @Test
  void drainsEveryRecordStoringValidOnesAndCountingRejectedOnes() throws Exception {
    PipelineFixture fx = new PipelineFixture("baseline");
    long base =
        Instant.now().minus(5, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
    List<ProducerRecord<byte[], byte[]>> records =
        new ArrayList<>(fx.readings(0, 200, 20, base, "site-b", "RPM"));
    for (int i = 0; i < 50; i++) {
      records.add(fx.raw("bad", "{not json " + i));
    }
    fx.produce(records);

    BareBaseline.Result r =
        BareBaseline.run(
            RealServers.kafka().bootstrapServers(),
            fx.rawTopic,
            4_050,
            2,
            fx.questDb().host(),
            fx.questDb().httpPort(),
            fx.table);

    assertThat(r.events()).isEqualTo(4_050);
    assertThat(r.stored()).isEqualTo(4_000);
    assertThat(r.rejected()).isEqualTo(50);
    assertThat(r.eventsPerSecond()).isPositive();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> fx.questDb().count("SELECT count() FROM " + fx.table) == 4_000);
  }
}
