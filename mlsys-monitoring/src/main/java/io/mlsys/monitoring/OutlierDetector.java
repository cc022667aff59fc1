package io.mlsys.monitoring;

import io.mlsys.core.Tensor;

/** Says which rows of an input are outliers; runs on the monitor thread, never a request's. */
public interface OutlierDetector extends AutoCloseable {

  /**
   * @return one flag per row of {@code input}
   */
  boolean[] outliers(Tensor input);

  @Override
  default void close() {}
}
