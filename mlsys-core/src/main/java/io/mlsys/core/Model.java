package io.mlsys.core;

/** A loaded model: a {@link Predictor} with a signature and a lifecycle. */
public interface Model extends Predictor, AutoCloseable {

  ModelMetadata metadata();

  /** True once loaded and until closed. */
  boolean isReady();

  /** Releases native resources; in-flight calls finish first where the runtime allows. */
  @Override
  void close();
}
