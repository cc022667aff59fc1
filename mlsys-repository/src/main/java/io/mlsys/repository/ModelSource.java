package io.mlsys.repository;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link ModelLoader} needs to load one model version, and nothing about how it is
 * served: what stands in front of the loaded model (batching and the other decorators of the
 * model's config) is the {@link ModelDecoration}'s business.
 *
 * @param name served name
 * @param version served version
 * @param file the model file
 * @param platform runtime, e.g. {@code onnxruntime_onnx}
 * @param labels class key to display label (already read from the labels file); may be empty
 * @param intraOpThreads threads one inference may use
 * @param defaultOutputs outputs computed when a request names none; empty means all
 * @param location how clients see the file in messages: its path inside the repository folder, or
 *     the configured uri as written (never a server path they need not know)
 */
public record ModelSource(
    String name,
    String version,
    Path file,
    String platform,
    Map<String, String> labels,
    int intraOpThreads,
    List<String> defaultOutputs,
    String location) {
  public ModelSource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(location, "location");
    labels = Map.copyOf(labels);
    defaultOutputs = List.copyOf(defaultOutputs);
  }

  /** A source named in messages by its file name. */
  public ModelSource(
      String name,
      String version,
      Path file,
      String platform,
      Map<String, String> labels,
      int intraOpThreads,
      List<String> defaultOutputs) {
    this(
        name,
        version,
        file,
        platform,
        labels,
        intraOpThreads,
        defaultOutputs,
        String.valueOf(file.getFileName()));
  }
}
