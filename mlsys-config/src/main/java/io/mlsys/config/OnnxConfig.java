package io.mlsys.config;

/**
 * ONNX Runtime defaults ({@code onnx:} in mlsys.yaml).
 *
 * @param intraOpThreads threads one inference may use; 1 suits small models on small machines
 */
public record OnnxConfig(int intraOpThreads) {
  public static final int DEFAULT_INTRA_OP_THREADS = 1;

  public static OnnxConfig defaults() {
    return new OnnxConfig(DEFAULT_INTRA_OP_THREADS);
  }
}
