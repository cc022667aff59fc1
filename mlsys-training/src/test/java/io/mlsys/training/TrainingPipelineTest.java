package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.registry.RegistryStores;
import io.mlsys.registry.SearchQuery;
import io.mlsys.registry.VersionStatus;
import io.mlsys.registry.tracking.Run;
import io.mlsys.registry.tracking.RunStatus;
import io.mlsys.repository.ModelLoader;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPipelineTest {
  private static final ManualClock CLOCK = ManualClock.startingAt("2026-01-01T00:00:00Z");

  @TempDir Path dir;

  private ModelRegistry registry(ModelLoader loader) {
    RegistryStores stores = RegistryStores.open(StoreConfig.defaults(), dir.resolve("data"), CLOCK);
    return new ModelRegistry(
        stores.registry(),
        stores.tracking(),
        stores.artifacts(),
        loader,
        RegistryConfig.defaults());
  }

  private static TrainingPipeline.Request request(TrainingConfig config) {
    return new TrainingPipeline.Request(config, "flowers", null, null, null, null, null, null);
  }

  /** Tall flowers (class by height) with a width column; {@code offset} changes the data. */
  private Path csv(String name, int offset, boolean withColour) throws Exception {
    StringBuilder text =
        new StringBuilder(withColour ? "height,width,colour,kind\n" : "height,width,kind\n");
    for (int i = 0; i < 40; i++) {
      boolean tall = i % 2 == 0;
      text.append(tall ? 10 + (i + offset) % 3 : 1 + (i + offset) % 3).append(',').append(i % 5);
      if (withColour) {
        text.append(',').append(i % 3);
      }
      text.append(',').append(tall ? "tall" : "short").append('\n');
    }
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void versionNamesFollowDataSplitAndColumns() throws Exception {
    Path data = csv("a.csv", 0, false);
    TrainingConfig config = TrainingConfig.defaults().withData(data).withColumns("kind", List.of());
    try (ModelRegistry registry = registry(ModelLoader.installedRuntimes())) {
      TrainingPipeline pipeline = new TrainingPipeline(registry, CLOCK);

      String first = pipeline.run(request(config), "t").version().versionName().toString();
      String sameAgain = pipeline.run(request(config), "t").version().versionName().toString();
      Files.delete(data);
      csv("a.csv", 1, false);
      String newData = pipeline.run(request(config), "t").version().versionName().toString();
      csv("a.csv", 1, true);
      String newColumn = pipeline.run(request(config), "t").version().versionName().toString();

      assertThat(List.of(first, sameAgain, newData, newColumn))
          .containsExactly("1.0.0-1.1", "1.0.1-1.1", "1.0.1-2.1", "1.1.0-3.1");
    }
  }

  @Test
  void aModelThatDoesNotLoadLeavesTheRunFailed() throws Exception {
    ModelLoader broken =
        source -> {
          throw new ModelLoadException(source.name(), "this runtime loads nothing", null);
        };
    try (ModelRegistry registry = registry(broken)) {
      TrainingPipeline pipeline = new TrainingPipeline(registry, CLOCK);

      assertThatThrownBy(() -> pipeline.run(request(TrainingConfig.defaults()), "t"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("this runtime loads nothing");

      List<Run> runs =
          registry
              .tracking()
              .searchRuns(
                  List.of(registry.tracking().experimentByName("flowers").id()),
                  SearchQuery.all(10),
                  "ALL")
              .items();
      assertThat(runs).singleElement().extracting(Run::status).isEqualTo(RunStatus.FAILED);
      assertThat(registry.store().version("flowers", 1).status())
          .isEqualTo(VersionStatus.FAILED_REGISTRATION);
    }
  }

  @Test
  void badInputRecordsNothing() {
    try (ModelRegistry registry = registry(ModelLoader.installedRuntimes())) {
      TrainingPipeline pipeline = new TrainingPipeline(registry, CLOCK);
      TrainingConfig bad =
          TrainingConfig.defaults()
              .withAlgorithm(ClassifierAlgorithm.LOGISTIC_REGRESSION, Map.of("epochs", "0"));

      assertThatThrownBy(() -> pipeline.run(request(bad), "t"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("param.epochs: '0'");

      assertThat(registry.store().findModel("flowers")).isEmpty();
      assertThatThrownBy(() -> registry.tracking().experimentByName("flowers"))
          .hasMessageContaining("flowers");
    }
  }
}
