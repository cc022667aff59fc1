package io.mlsys.core.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ModelRuntime} loads: one model version's file and how to serve it, as the model
 * repository describes it (from mlsys.yaml or a repository folder and its config.yaml).
 *
 * @param name served name
 * @param version served version; null for an unversioned model
 * @param file the model file (a regular file: the repository checks that it exists)
 * @param location how clients see the file in messages: its path inside the repository folder, or
 *     the configured uri as written (never a server path they need not know)
 * @param labels class key to display label (already read from the labels file); may be empty
 * @param intraOpThreads threads one inference may use inside the runtime
 * @param defaultOutputs outputs computed when a request names none; empty means all
 */
public record ModelArtifact(
    String name,
    String version,
    Path file,
    String location,
    Map<String, String> labels,
    int intraOpThreads,
    List<String> defaultOutputs) {
  public ModelArtifact {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(location, "location");
    labels = Map.copyOf(labels);
    defaultOutputs = List.copyOf(defaultOutputs);
  }
}
