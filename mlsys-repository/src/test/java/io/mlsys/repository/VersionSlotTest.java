package io.mlsys.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionSlotTest {
  private static StubModel model(String version) {
    return StubModel.echo(
        new ModelMetadata(
            "m", version, "onnxruntime_onnx", List.of(), List.of(), Map.of(), Map.of()));
  }

  private static VersionSlot ready(String version) {
    return VersionSlot.ready(version, model(version), Duration.ofMillis(3));
  }

  @Test
  void anIdleRetiredSlotClosesAtOnceAndRefusesCalls() {
    StubModel model = model("1");
    VersionSlot slot = VersionSlot.ready("1", model, Duration.ZERO);

    slot.retire();

    assertThat(model.isClosed()).isTrue();
    assertThat(slot.acquire()).isFalse();
  }

  @Test
  void aRetiredSlotClosesWhenItsLastCallEnds() {
    StubModel model = model("1");
    VersionSlot slot = VersionSlot.ready("1", model, Duration.ZERO);
    assertThat(slot.acquire()).isTrue();
    assertThat(slot.acquire()).isTrue();

    slot.retire();
    slot.release();

    assertThat(model.isClosed()).isFalse();

    slot.release();

    assertThat(model.isClosed()).isTrue();
  }

  @Test
  void retiringTwiceClosesOnce() {
    StubLoader.TrackedModel tracked = new StubLoader.TrackedModel(model("1"), "1");
    VersionSlot slot = VersionSlot.ready("1", tracked, Duration.ZERO);

    slot.retire();
    slot.retire();

    assertThat(tracked.closes).hasValue(1);
  }

  @Test
  void aSlotWithoutAModelNeverHandsOutCalls() {
    VersionSlot failed = VersionSlot.notServing("1", ModelState.FAILED, "broken");

    assertThat(failed.acquire()).isFalse();
    failed.retire();
    assertThat(failed.status("m"))
        .isEqualTo(new ModelStatus("m", "1", ModelState.FAILED, "broken", null));
  }

  @Test
  void theSnapshotResolvesTheHighestReadyVersionNumerically() {
    Snapshot snapshot =
        Snapshot.of(
            List.of(
                ready("9"),
                VersionSlot.notServing("11", ModelState.FAILED, "broken"),
                ready("10")));

    // The versions that serve; the failed one is listed in the statuses only.
    assertThat(snapshot.versionNames()).containsExactly("10", "9");
    assertThat(snapshot.resolve("m", null).version()).isEqualTo("10");
    assertThat(snapshot.resolve("m", "9").version()).isEqualTo("9");
    assertThatThrownBy(() -> snapshot.resolve("m", "11"))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessage("model 'm' is not ready: version 11 is FAILED: broken");
    assertThatThrownBy(() -> snapshot.resolve("m", "12"))
        .isInstanceOf(ModelNotFoundException.class);
  }

  @Test
  void theSnapshotExplainsWhyNothingIsReady() {
    Snapshot mixed =
        Snapshot.of(
            List.of(
                VersionSlot.notServing("1", ModelState.FAILED, "bad file"),
                VersionSlot.notServing("2", ModelState.LOADING, "loading")));

    assertThatThrownBy(() -> mixed.resolve("m", null))
        .hasMessage(
            "model 'm' is not ready: version 2 is LOADING: loading; version 1 is FAILED: bad file");
    assertThatThrownBy(() -> Snapshot.failed("bad config").resolve("m", "1"))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessage("model 'm' is not ready: bad config");
    assertThatThrownBy(() -> Snapshot.gone().resolve("m", null))
        .isInstanceOf(ModelNotFoundException.class);
  }
}
