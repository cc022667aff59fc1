package io.mlsys.onnx;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to load and serve one ONNX model version.
 *
 * @param name the name the model is served under (responses and errors carry it)
 * @param version the version served; null for an unversioned model
 * @param intraOpThreads threads one inference may use inside ONNX Runtime, 1 to {@value
 *     #MAX_INTRA_OP_THREADS}; default {@value #DEFAULT_INTRA_OP_THREADS}, which suits small models
 *     on small machines where concurrency comes from many callers rather than from one call
 * @param labels class key (as text, e.g. {@code "0"}) to display label (e.g. {@code "setosa"}),
 *     published in {@link io.mlsys.core.ModelMetadata#labels()}; empty for none
 * @param defaultOutputs outputs computed when a request names none; empty means every output. Use
 *     it to skip an expensive output by default, such as a scikit-learn ZipMap probability map
 * @param allowNonFinite whether NaN and infinite values may be passed in floating-point inputs;
 *     default {@value #DEFAULT_ALLOW_NON_FINITE} because scikit-learn models give meaningless
 *     answers for them, so they are rejected as invalid input
 */
public record OnnxModelOptions(
    String name,
    String version,
    int intraOpThreads,
    Map<String, String> labels,
    List<String> defaultOutputs,
    boolean allowNonFinite) {

  public static final int DEFAULT_INTRA_OP_THREADS = 1;
  public static final int MAX_INTRA_OP_THREADS = 256;
  public static final boolean DEFAULT_ALLOW_NON_FINITE = false;

  public OnnxModelOptions {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "name: " + (name == null ? "null" : "'" + name + "'") + " (expected: a non-blank name)");
    }
    if (version != null && version.isBlank()) {
      throw new IllegalArgumentException(
          "version: '" + version + "' (expected: a non-blank version, or null for none)");
    }
    if (intraOpThreads < 1 || intraOpThreads > MAX_INTRA_OP_THREADS) {
      throw new IllegalArgumentException(
          "intraOpThreads: " + intraOpThreads + " (expected: 1 to " + MAX_INTRA_OP_THREADS + ")");
    }
    Objects.requireNonNull(labels, "labels");
    labels.forEach(
        (key, label) -> {
          if (key == null || label == null) {
            throw new IllegalArgumentException(
                "labels: " + key + " -> " + label + " (expected: non-null class key and label)");
          }
        });
    labels = Map.copyOf(labels);
    Objects.requireNonNull(defaultOutputs, "defaultOutputs");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < defaultOutputs.size(); i++) {
      String output = defaultOutputs.get(i);
      if (output == null || output.isBlank()) {
        throw new IllegalArgumentException(
            "defaultOutputs[" + i + "]: " + output + " (expected: an output name)");
      }
      if (!seen.add(output)) {
        throw new IllegalArgumentException(
            "defaultOutputs[" + i + "]: '" + output + "' is listed twice (expected: unique names)");
      }
    }
    defaultOutputs = List.copyOf(defaultOutputs);
  }

  /** Every default: one intra-op thread, no labels, all outputs, finite inputs only. */
  public static OnnxModelOptions defaults(String name, String version) {
    return new OnnxModelOptions(
        name, version, DEFAULT_INTRA_OP_THREADS, Map.of(), List.of(), DEFAULT_ALLOW_NON_FINITE);
  }

  public OnnxModelOptions withName(String newName) {
    return new OnnxModelOptions(
        newName, version, intraOpThreads, labels, defaultOutputs, allowNonFinite);
  }

  public OnnxModelOptions withVersion(String newVersion) {
    return new OnnxModelOptions(
        name, newVersion, intraOpThreads, labels, defaultOutputs, allowNonFinite);
  }

  public OnnxModelOptions withIntraOpThreads(int threads) {
    return new OnnxModelOptions(name, version, threads, labels, defaultOutputs, allowNonFinite);
  }

  public OnnxModelOptions withLabels(Map<String, String> newLabels) {
    return new OnnxModelOptions(
        name, version, intraOpThreads, newLabels, defaultOutputs, allowNonFinite);
  }

  public OnnxModelOptions withDefaultOutputs(List<String> outputs) {
    return new OnnxModelOptions(name, version, intraOpThreads, labels, outputs, allowNonFinite);
  }

  public OnnxModelOptions withAllowNonFinite(boolean allow) {
    return new OnnxModelOptions(name, version, intraOpThreads, labels, defaultOutputs, allow);
  }
}
