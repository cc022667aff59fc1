package io.mlsys.repository;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;

/**
 * ONNX Runtime defaults ({@code onnx:} in mlsys.yaml).
 *
 * @param intraOpThreads threads one inference may use, 1 to {@value #MAX_INTRA_OP_THREADS}; 1 suits
 *     small models on small machines
 */
public record OnnxConfig(int intraOpThreads) {
  public static final int DEFAULT_INTRA_OP_THREADS = 1;
  public static final int MAX_INTRA_OP_THREADS = 256;

  static final String EXPECTED_INTRA_OP_THREADS = "an integer from 1 to " + MAX_INTRA_OP_THREADS;

  /**
   * @throws ConfigException when the thread count is out of range
   */
  public OnnxConfig {
    Violations violations = new Violations();
    checkThreads(violations, "intra-op-threads", intraOpThreads);
    violations.throwIfAny(null);
  }

  @ConfigDefaults
  public static OnnxConfig defaults() {
    return new OnnxConfig(DEFAULT_INTRA_OP_THREADS);
  }

  public static void checkThreads(Violations violations, String path, int threads) {
    violations.check(
        threads >= 1 && threads <= MAX_INTRA_OP_THREADS, path, threads, EXPECTED_INTRA_OP_THREADS);
  }
}
