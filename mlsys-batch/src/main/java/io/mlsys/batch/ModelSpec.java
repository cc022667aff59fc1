package io.mlsys.batch;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.nio.file.Path;

/**
 * The model a job predicts with ({@code model:} of a job file): a model of a repository folder, a
 * model or graph of an mlsys.yaml, or a registry reference.
 *
 * @param repository a model repository folder ({@code <dir>/<name>/<version>/model.onnx}), with
 *     {@code name}
 * @param config an mlsys.yaml: its models (with {@code name}) or graphs (with {@code graph}); with
 *     {@code registry}, the store the registry lives in
 * @param name the model's name
 * @param version its version; null for its default
 * @param graph a graph of {@code config}, instead of a model
 * @param registry a registry reference: {@code name@alias} or {@code name/version}
 */
public record ModelSpec(
    Path repository, Path config, String name, String version, String graph, String registry) {

  /**
   * @throws ConfigException listing every invalid field
   */
  public ModelSpec {
    Violations violations = new Violations();
    int kinds = (name != null ? 1 : 0) + (graph != null ? 1 : 0) + (registry != null ? 1 : 0);
    violations.check(kinds == 1, "name", name, "exactly one of name, graph and registry");
    violations.check(
        name == null || (repository != null) != (config != null),
        "repository",
        repository,
        "with name, exactly one of repository and config");
    violations.check(
        graph == null || config != null, "config", config, "an mlsys.yaml, with graph");
    violations.check(
        registry == null || repository == null,
        "repository",
        repository,
        "absent with registry (the registry holds the model; config may name its store)");
    violations.check(version == null || name != null, "version", version, "only with name");
    violations.check(
        registry == null || registry.matches("[A-Za-z0-9_.-]+(@[A-Za-z0-9_.-]+|/[0-9]+)"),
        "registry",
        registry,
        "name@alias or name/version");
    violations.throwIfAny(null);
  }

  /** What to call it in messages. */
  public String describe() {
    return name != null ? name : graph != null ? "graph " + graph : "registry " + registry;
  }
}
