package io.mlsys.server;

import io.mlsys.monitoring.Baseline;
import io.mlsys.monitoring.BaselineFeature;
import io.mlsys.monitoring.BaselineSource;
import io.mlsys.registry.DataProfile;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryReference;
import io.mlsys.repository.ModelConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The monitoring baseline of a model served from the registry: the data profile registered with the
 * version (its histogram bins, mean and standard deviation; its category counts).
 */
final class RegistryBaselines implements BaselineSource {
  private static final Logger LOG = Logger.getLogger(RegistryBaselines.class.getName());
  private final RegistryHandle registry;
  private final Map<String, String> registryNames;

  /**
   * @param models the configured models: those with a {@code registry} reference are looked up
   */
  RegistryBaselines(RegistryHandle registry, Map<String, ModelConfig> models) {
    this.registry = registry;
    Map<String, String> names = new HashMap<>();
    models.forEach(
        (served, config) -> {
          if (config.registry() != null) {
            names.put(served, RegistryReference.parse(config.registry(), "registry").model());
          }
        });
    this.registryNames = Map.copyOf(names);
  }

  @Override
  public Optional<Baseline> find(String model, String version) {
    String registered = registryNames.get(model);
    if (registered == null || version == null) {
      return Optional.empty();
    }
    try {
      ModelVersion found =
          registry.get().resolve(new RegistryReference(registered, null, Long.parseLong(version)));
      return found.profile() == null
          ? Optional.empty()
          : Optional.of(of(found.profile(), "registry:" + registered + "/" + version));
    } catch (RuntimeException e) {
      // A missing profile costs drift monitoring, never the model's load.
      LOG.log(Level.WARNING, "no monitoring baseline from the registry for " + model, e);
      return Optional.empty();
    }
  }

  /** A registered data profile as a baseline: histogram bins as bins, category counts as shares. */
  static Baseline of(DataProfile profile, String source) {
    List<BaselineFeature> features = new ArrayList<>();
    for (DataProfile.Feature feature : profile.features()) {
      DataProfile.Numeric numeric = feature.numeric();
      if (numeric != null && numeric.binEdges().size() >= 2) {
        double[] edges = numeric.binEdges().stream().mapToDouble(Double::doubleValue).toArray();
        long total = numeric.binCounts().stream().mapToLong(Long::longValue).sum();
        double[] shares = new double[edges.length + 1];
        for (int i = 0; i < numeric.binCounts().size() && total > 0; i++) {
          shares[i + 1] = (double) numeric.binCounts().get(i) / total;
        }
        features.add(
            new BaselineFeature(
                feature.name(),
                BaselineFeature.Kind.NUMERIC,
                edges,
                List.of(),
                shares,
                feature.count(),
                numeric.mean(),
                numeric.stddev()));
      } else if (!feature.categories().isEmpty()) {
        features.add(Baseline.categorical(feature.name(), feature.categories()));
      } else {
        throw new IllegalArgumentException(
            "feature " + feature.name() + " of the registered profile has no histogram");
      }
    }
    return new Baseline(features, source);
  }
}
