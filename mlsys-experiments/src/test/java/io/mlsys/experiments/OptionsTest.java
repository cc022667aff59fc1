package io.mlsys.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.graph.Graphs;
import io.mlsys.graph.ModelLookup;
import io.mlsys.graph.NodeConfig;
import io.mlsys.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {
  private static Map<String, SplitOptions.Arm> arms(double a, double b) {
    Map<String, SplitOptions.Arm> arms = new LinkedHashMap<>();
    arms.put("a", new SplitOptions.Arm(Lab.model("x"), a, null));
    arms.put("b", new SplitOptions.Arm(Lab.model("y"), b, null));
    return arms;
  }

  @Test
  void aUnitKeyNamesExactlyOneSource() {
    assertThatThrownBy(() -> new UnitKey("x-user", "user", null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("exactly one of header, parameter, input");
    assertThatThrownBy(() -> new UnitKey(null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("exactly one of header, parameter, input");
  }

  @Test
  void aUnitIsReadFromAHeaderAParameterOrAnInput() {
    CallContext context =
        new CallContext(
            ManualClock.startingAt("2026-03-02T09:00:00Z"),
            null,
            Map.of("X-User", "alice"),
            "t",
            Map.of());
    InferRequest request =
        new InferRequest(
            null,
            List.of(
                Tensor.ofStrings("session", new long[] {1}, "s-9"),
                Tensor.ofLongs("user_id", new long[] {1}, 42)),
            List.of(),
            Map.of("user", "bob"));

    assertThat(new UnitKey("x-user", null, null).read(request, context)).contains("alice");
    assertThat(new UnitKey(null, "user", null).read(request, context)).contains("bob");
    assertThat(new UnitKey(null, null, "session").read(request, context)).contains("s-9");
    assertThat(new UnitKey(null, null, "user_id").read(request, context)).contains("42");
    assertThat(new UnitKey(null, null, "absent").read(request, context)).isEmpty();
    assertThat(new UnitKey("x-other", null, null).read(request, context)).isEmpty();
  }

  @Test
  void splitOptionsListEveryProblemWithItsKey() {
    assertThatThrownBy(() -> new SplitOptions(null, arms(0, 0), null, 2.0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("arms: [a, b] (expected: at least one arm of weight > 0)")
        .hasMessageContaining("srm-alpha: 2.0 (expected: a number in (0, 1))");
    assertThatThrownBy(() -> new SplitOptions.Arm(Lab.model("x"), -1.0, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("weight: -1.0 (expected: a finite number >= 0)");
    assertThatThrownBy(() -> new SplitOptions(null, null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("arms");
  }

  @Test
  void mirrorOptionsListEveryProblemWithItsKey() {
    assertThatThrownBy(
            () ->
                new MirrorOptions(
                    Lab.model("p"),
                    Map.of("primary", Lab.model("c")),
                    1.5,
                    null,
                    null,
                    null,
                    0,
                    0,
                    Duration.ZERO,
                    null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("candidates.primary")
        .hasMessageContaining("share: 1.5 (expected: a number in [0, 1])")
        .hasMessageContaining("queue-capacity: 0")
        .hasMessageContaining("concurrency: 0")
        .hasMessageContaining("candidate-timeout");
    assertThatThrownBy(() -> new MirrorOptions.Verdict(0, 1.5, -0.1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("min-pairs: 0")
        .hasMessageContaining("min-agreement: 1.5")
        .hasMessageContaining("max-error-rate-increase: -0.1");
  }

  @Test
  void aSplitServedWithoutTheExperimentsFailsToBuildNamingItsPlace() {
    ModelLookup none =
        new ModelLookup() {
          @Override
          public io.mlsys.core.Predictor predictor(String name, String version) {
            throw new io.mlsys.core.ModelNotFoundException(name, version);
          }

          @Override
          public io.mlsys.core.ModelMetadata metadata(String name, String version) {
            throw new io.mlsys.core.ModelNotFoundException(name, version);
          }

          @Override
          public boolean isModelReady(String name, String version) {
            return true;
          }

          @Override
          public boolean contains(String name) {
            return true;
          }
        };

    assertThatThrownBy(
            () ->
                Graphs.create(
                    Map.of(
                        "ab",
                        new GraphConfig(
                            NodeConfig.of(new SplitOptions(null, arms(1, 1), null, null)))),
                    none,
                    GraphOptions.defaults().withClock(Clock.systemUTC())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("graphs.ab: experiments need the server's store");
  }
}
