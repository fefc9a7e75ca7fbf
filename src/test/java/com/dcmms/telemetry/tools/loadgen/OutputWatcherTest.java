package com.dcmms.telemetry.tools.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dcmms.telemetry.job.records.TelemetryReading;
import com.dcmms.telemetry.job.records.ValidatedTelemetrySerializer;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The two fields the watcher reads from every validated_telemetry record. */
class OutputWatcherTest {

  @Test
  void readsIdAndFlagFromWhatTheJobWrites() throws Exception {
    // The job's serializer writes every field; the ones left unset here are written as null.
    TelemetryReading r = new TelemetryReading();
    r.eventId = "lt1-000042";
    r.qualityFlag = "OUT_OF_RANGE";
    r.metadataJson = "{\"quality_flag\":\"GOOD\",\"nested\":{\"event_id\":\"other\"}}";

    byte[] json = new ValidatedTelemetrySerializer("validated_telemetry").toJson(r);

    assertThat(OutputWatcher.IdAndFlag.of(json))
        .isEqualTo(new OutputWatcher.IdAndFlag("lt1-000042", "OUT_OF_RANGE"));
  }

  @Test
  void skipsNestedValuesWhateverTheFieldOrder() throws Exception {
    assertThat(
            OutputWatcher.IdAndFlag.of(
                bytes(
                    "{\"metadata\":{\"event_id\":\"inner\",\"quality_flag\":\"BAD\"},\"list\":[{\"event_id\":\"x\"}],"
                        + "\"quality_flag\":\"GOOD\",\"value\":1.5,\"event_id\":\"outer\"}")))
        .isEqualTo(new OutputWatcher.IdAndFlag("outer", "GOOD"));
  }

  @Test
  void aMissingFieldOrANonStringValueReadsAsNull() throws Exception {
    assertThat(OutputWatcher.IdAndFlag.of(bytes("{\"event_id\":\"a\"}")))
        .isEqualTo(new OutputWatcher.IdAndFlag("a", null));
    assertThat(OutputWatcher.IdAndFlag.of(bytes("{\"event_id\":7,\"quality_flag\":\"GOOD\"}")))
        .isEqualTo(new OutputWatcher.IdAndFlag(null, "GOOD"));
  }

  @Test
  void notAnObjectIsNoRecordOfTheRun() throws Exception {
    assertThat(OutputWatcher.IdAndFlag.of(bytes("[\"event_id\",\"a\"]"))).isNull();
    assertThat(OutputWatcher.IdAndFlag.of(bytes("\"a\""))).isNull();
  }

  @Test
  void brokenJsonBeforeBothFieldsIsAnError() {
    assertThatThrownBy(() -> OutputWatcher.IdAndFlag.of(bytes("{\"event_id\":\"a\",\"value\":}")))
        .isInstanceOf(JsonProcessingException.class);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
