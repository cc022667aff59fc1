package io.mlsys.repository;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import java.util.List;
import java.util.Map;

/**
 * The models a server serves: read from a Triton/KServe-layout folder and from {@code models:} in
 * mlsys.yaml, loaded through a {@link ModelLoader}, put behind their decorators by a {@link
 * ModelDecoration}, swapped without failing in-flight calls.
 */
public interface ModelRepository extends AutoCloseable {

  /**
   * A repository of the models {@code config} defines (its {@code models:} and the folders of its
   * {@code model-repository.path}), reading {@code ${...}} in repository config.yaml files from the
   * process environment. Nothing is read or loaded until {@link #loadAll()} or {@link
   * #load(String)}.
   *
   * @throws io.mlsys.config.ConfigException when the repository folder does not exist
   */
  static ModelRepository create(
      ModelsConfig config, ModelLoader loader, RepositoryListener listener) {
    return create(config, loader, ModelDecoration.none(), listener, System.getenv());
  }

  /**
   * As {@link #create(ModelsConfig, ModelLoader, RepositoryListener)}, with the environment that
   * {@code ${NAME}} in repository config.yaml files reads.
   */
  static ModelRepository create(
      ModelsConfig config,
      ModelLoader loader,
      RepositoryListener listener,
      Map<String, String> environment) {
    return create(config, loader, ModelDecoration.none(), listener, environment);
  }

  /**
   * As {@link #create(ModelsConfig, ModelLoader, RepositoryListener)}, with each loaded model
   * version passed through {@code decoration} (the server's decorators) before it serves.
   */
  static ModelRepository create(
      ModelsConfig config,
      ModelLoader loader,
      ModelDecoration decoration,
      RepositoryListener listener) {
    return create(config, loader, decoration, listener, System.getenv());
  }

  /** The repository without a model registry: models that name one fail to load. */
  static ModelRepository create(
      ModelsConfig config,
      ModelLoader loader,
      ModelDecoration decoration,
      RepositoryListener listener,
      Map<String, String> environment) {
    return create(config, loader, decoration, listener, environment, RegistryResolver.NONE);
  }

  /**
   * The repository with every dependency given, {@code registry} finding the versions of models
   * that name a registry reference.
   */
  static ModelRepository create(
      ModelsConfig config,
      ModelLoader loader,
      ModelDecoration decoration,
      RepositoryListener listener,
      Map<String, String> environment,
      RegistryResolver registry) {
    return new DefaultModelRepository(config, loader, decoration, listener, environment, registry);
  }

  /** Every known model version with its state, sorted by model name then version. */
  List<ModelStatus> index();

  /**
   * The versions of a model that serve, highest first (the first serves calls without a version);
   * when none serves, every version its policy picked. A version that failed while others serve is
   * not among them (its status in {@link #index()} says why).
   */
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

  /** Whether that version (null: any version) of the model is loaded and ready; never throws. */
  boolean isModelReady(String modelName, String version);

  /**
   * True once {@link #loadAll()} has run and every model that should be served is ready: it serves
   * at least one version and none is still loading (a version that failed while others serve shows
   * as FAILED in {@link #index()}, but does not make the repository unready). A model unloaded on
   * purpose with {@link #unload(String)} is no longer expected; {@link #load(String)} expects it
   * again.
   */
  boolean isReady();

  /**
   * What keeps {@link #isReady()} false: the statuses that are not READY of every expected model
   * that is not ready, sorted by name then version; empty when every expected model is ready.
   */
  List<ModelStatus> unready();

  /**
   * Lists every defined model as LOADING without loading anything (a folder listing), so that from
   * now on a call to a defined model gets {@link io.mlsys.core.ModelNotReadyException} until it is
   * loaded, and only an undefined one gets {@link io.mlsys.core.ModelNotFoundException}. {@link
   * #loadAll()} scans first; a server scans before it accepts connections.
   */
  void scan();

  /**
   * Scans, then loads every defined model (models in parallel on virtual threads) except those
   * unloaded on purpose since the scan; a model that fails is recorded as FAILED with the reason in
   * {@link #index()} and reported to the listener, not thrown, and its calls get {@link
   * io.mlsys.core.ModelNotReadyException} with that reason.
   *
   * <p>The version policy picks the versions to load. With {@code latest: N} the versions are tried
   * highest first until N loaded, so a newest version that fails (a broken upload) leaves the model
   * served by the next lower one; with {@code all} and {@code specific} every picked version is
   * loaded. A picked version that fails is listed as FAILED with its reason; the model is served by
   * the versions that loaded.
   */
  void loadAll();

  /**
   * (Re)loads a model from its source: re-reads its folder and config.yaml, loads every selected
   * version (fresh instances, also of versions already served), then swaps them in at once; the
   * replaced versions are closed once their in-flight calls finish, and a call that raced with the
   * swap is served by the new version. Versions are picked as in {@link #loadAll()}. If any version
   * fails while the model is serving, nothing is swapped: the old versions keep serving and the
   * versions that failed are listed as FAILED next to them; if it was not serving, the versions
   * that loaded serve and the others are FAILED. A model whose source is gone is forgotten.
   *
   * @throws io.mlsys.core.ModelNotFoundException when there is no source for the name
   * @throws io.mlsys.core.ModelLoadException when the model cannot be loaded
   * @throws IllegalStateException after {@link #close()}
   */
  void load(String modelName);

  /**
   * Stops serving a model: its versions become UNAVAILABLE, calls get {@link
   * io.mlsys.core.ModelNotReadyException}, and each is closed once its in-flight calls finish. A
   * later {@link #load(String)} brings it back.
   *
   * @throws io.mlsys.core.ModelNotFoundException when the model is unknown
   */
  void unload(String modelName);

  /** Withdraws every model (each closed after its in-flight calls) and refuses later loads. */
  @Override
  void close();
}
