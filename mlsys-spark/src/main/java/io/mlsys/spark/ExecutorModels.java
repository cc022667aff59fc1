package io.mlsys.spark;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import io.mlsys.repository.ModelLoader;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.repository.ModelsConfig;
import io.mlsys.repository.RepositoryListener;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The models loaded in this JVM, one per {@link ModelKey}, each loaded by the first task that asks
 * and shared by every later task of every job in the JVM.
 *
 * <p>A JVM-wide holder breaks the rule of building the object graph once and passing it down, on
 * purpose: Spark ships a task's function to executors as serialized bytes and runs it in JVMs the
 * job does not build, so the only thing a task can share with the other tasks of its executor is
 * static state. Broadcasting the model instead would still create an ONNX Runtime session per task
 * (a session cannot be serialized); here the executor opens one session, which its task threads
 * call concurrently (ONNX Runtime sessions are thread-safe). The models stay loaded until the JVM
 * exits, as executors do when the application ends.
 */
public final class ExecutorModels {
  private static final ConcurrentMap<ModelKey, Loaded> MODELS = new ConcurrentHashMap<>();
  private static final java.util.concurrent.atomic.AtomicInteger LOADS =
      new java.util.concurrent.atomic.AtomicInteger();

  private ExecutorModels() {}

  /**
   * A model loaded from its repository.
   *
   * @param predictor the model, answering calls of any thread
   * @param metadata its signature
   */
  public record Loaded(Predictor predictor, ModelMetadata metadata) {}

  /**
   * The model of {@code key}, loaded on the first call in this JVM; concurrent first calls load it
   * once.
   *
   * @throws io.mlsys.config.ConfigException when the repository folder does not exist
   * @throws io.mlsys.core.ModelNotFoundException when it has no such model or version
   * @throws io.mlsys.core.ModelLoadException when the model cannot be loaded
   */
  public static Loaded get(ModelKey key) {
    return MODELS.computeIfAbsent(key, ExecutorModels::load);
  }

  /**
   * Holds {@code loaded} as the model of {@code key} in this JVM, for tests: in local mode the
   * driver and the executor share the JVM, so a job of {@code key} predicts with it (a model that
   * fails on chosen rows, say).
   */
  static void hold(ModelKey key, Loaded loaded) {
    MODELS.put(key, loaded);
  }

  /**
   * How many models this JVM loaded from a repository (for tests: one per executor, not per task; a
   * model {@link #hold held} is not loaded).
   */
  static int loadedCount() {
    return LOADS.get();
  }

  private static Loaded load(ModelKey key) {
    LOADS.incrementAndGet();
    ModelsConfig config =
        ModelsConfig.defaults()
            .withModelRepository(
                ModelRepositoryConfig.of(Path.of(key.repository()).toAbsolutePath().normalize()));
    // Never closed: the executor keeps the model while it lives (see the class comment).
    ModelRepository repository =
        ModelRepository.create(config, ModelLoader.installedRuntimes(), RepositoryListener.NONE);
    try {
      repository.load(key.model());
      return new Loaded(
          repository.predictor(key.model(), key.version()),
          repository.metadata(key.model(), key.version()));
    } catch (RuntimeException e) {
      repository.close();
      throw e;
    }
  }
}
