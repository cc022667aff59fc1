package io.mlsys.monitoring;

import java.util.Optional;

/**
 * Where a monitored version without a {@code baseline} file finds its baseline: the server's model
 * registry (the data profile registered with the version).
 */
@FunctionalInterface
public interface BaselineSource {

  /** The baseline of a served model version, if its registration carries one. */
  Optional<Baseline> find(String model, String version);
}
