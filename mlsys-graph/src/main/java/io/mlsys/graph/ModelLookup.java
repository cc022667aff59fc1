package io.mlsys.graph;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;

/**
 * The models a graph may call, by name: the server passes its repository. Graph nodes resolve their
 * model on every call, so a model reload never breaks a graph.
 */
public interface ModelLookup {

  /**
   * The predictor serving {@code name} at {@code version} (null: the default version).
   *
   * @throws io.mlsys.core.ModelNotFoundException when the name or version is unknown
   */
  Predictor predictor(String name, String version);

  /**
   * The signature of {@code name} at {@code version} (null: the default version).
   *
   * @throws io.mlsys.core.ModelNotFoundException when the name or version is unknown
   * @throws io.mlsys.core.ModelNotReadyException when it is known but not loaded
   */
  ModelMetadata metadata(String name, String version);

  /** Whether that version (null: the default) is ready; never throws. */
  boolean isModelReady(String name, String version);

  /** Whether {@code name} is a known model, ready or not. */
  boolean contains(String name);
}
