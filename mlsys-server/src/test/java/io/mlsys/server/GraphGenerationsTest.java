package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.graph.GraphOptions;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.ManualClock;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Graph generations: the first build, a reload that swaps and audits, a rejected reload. */
class GraphGenerationsTest {
  private static final String WEIGHTS =
      """
      graphs:
        pair:
          ensemble:
            branches:
              a: { model: a, weight: %s }
              b: { model: b }
            combine: { weighted-mean: { output: output_probability } }
      """;

  /** Keeps every message logged to it. */
  static final class RecordingLogger implements System.Logger {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public String getName() {
      return "audit";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
      lines.add(message);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      lines.add(params == null ? format : MessageFormat.format(format, params));
    }
  }

  private final RecordingLogger audit = new RecordingLogger();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-26T10:00:00Z"));
  private final TestRepository repository =
      new TestRepository().add(GraphServingTest.voter("a", 0)).add(GraphServingTest.voter("b", 2));
  private final ServedModels served = new ServedModels(repository, java.util.Set.of("pair"));

  private static MlsysConfig config(String weight) {
    return MlsysConfigLoader.parse(WEIGHTS.formatted(weight), Path.of("."), Map.of());
  }

  private GraphGenerations generations(MlsysConfig initial) {
    return new GraphGenerations(
        served,
        new RepositoryModelLookup(
            repository,
            new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
            System::nanoTime),
        GraphOptions.defaults().withClock(clock).withAuditLog(audit),
        Duration.ZERO,
        initial);
  }

  private float firstProbability() {
    InferRequest request =
        new InferRequest(
            null,
            List.of(Tensor.ofFloats("float_input", new long[] {1, 4}, 1, 2, 3, 4)),
            List.of(),
            Map.of());
    Tensor probabilities =
        served.predictor("pair", null).infer(request, CallContext.of(clock)).outputs().getFirst();
    return ((io.mlsys.core.TensorData.Floats) probabilities.data()).values()[0];
  }

  @Test
  void aGraphIsNotReadyUntilItsGenerationIsBuilt() {
    GraphGenerations generations = generations(config("1"));
    assertThat(served.isModelReady("pair", null)).isFalse();

    generations.start();

    assertThat(served.isModelReady("pair", null)).isTrue();
    assertThat(firstProbability()).isEqualTo(0.5f);
  }

  @Test
  void aReloadServesTheNewGraphsAndAuditsChangedParameters() {
    GraphGenerations generations = generations(config("1"));
    generations.start();

    generations.reload(config("3"));

    assertThat(firstProbability()).isEqualTo(0.75f);
    assertThat(audit.lines)
        .containsExactly(
            "graph parameter changed: graph=pair path=ensemble.branches.a.weight old=1.0 new=3.0"
                + " who=mlsys.yaml at=2026-11-26T10:00:00Z");
  }

  @Test
  void anInvalidReloadIsRejectedAndTheOldGraphsKeepServing() {
    GraphGenerations generations = generations(config("1"));
    generations.start();
    MlsysConfig broken =
        MlsysConfigLoader.parse("graphs:\n  pair:\n    model: missing\n", Path.of("."), Map.of());

    assertThatThrownBy(() -> generations.reload(broken))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("graphs.pair");
    assertThat(firstProbability()).isEqualTo(0.5f);
  }
}
