package io.mlsys.repository;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import java.util.List;

/**
 * The models a server serves: read from a Triton/KServe-layout folder and from {@code models:} in
 * mlsys.yaml, loaded through a {@link ModelLoader}, swapped without failing in-flight calls.
 */
public interface ModelRepository extends AutoCloseable {

  /** Every known model version with its state, sorted by model name then version. */
  List<ModelStatus> index();

  /** The versions of a model that are configured to be served, highest first. */
  List<String> versions(String modelName);

  /**
   * A predictor for {@code modelName} at {@code version} (null: the highest ready version). It
   * resolves the loaded model on every call, so a reload never fails a call.
   *
   * @throws io.mlsys.core.ModelNotFoundException when the model or version is unknown
   */
  Predictor predictor(String modelName, String version);

  /**
   * Metadata of a loaded model version (null: the highest ready version).
   *
   * @throws io.mlsys.core.ModelNotFoundException when the model or version is unknown
   * @throws io.mlsys.core.ModelNotReadyException when it is known but not loaded
   */
  ModelMetadata metadata(String modelName, String version);

  /** Whether that version (null: any version) of the model is loaded and ready. */
  boolean isModelReady(String modelName, String version);

  /** True when every configured model version is loaded. */
  boolean isReady();

  /** Loads every configured model; failures are recorded in {@link #index()}, not thrown. */
  void loadAll();

  /**
   * (Re)loads a model from its source: new versions are loaded first, then swapped in; versions no
   * longer selected are retired once their in-flight calls finish.
   *
   * @throws io.mlsys.core.ModelNotFoundException when there is no source for the name
   * @throws io.mlsys.core.ModelLoadException when the model cannot be loaded
   */
  void load(String modelName);

  /**
   * Stops serving a model; its versions are closed once their in-flight calls finish.
   *
   * @throws io.mlsys.core.ModelNotFoundException when the model is unknown
   */
  void unload(String modelName);

  @Override
  void close();
}
