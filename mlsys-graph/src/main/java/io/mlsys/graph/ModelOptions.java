package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigShorthand;
import io.mlsys.config.ConfigText;
import io.mlsys.config.Violations;
import io.mlsys.core.ModelNames;
import io.mlsys.graph.spi.NodeOptions;
import java.util.List;

/**
 * {@code model}: a loaded model of this server, or another graph: {@code model: iris} or {@code
 * model: {name: iris, version: "2", outputs: [output_label]}}.
 *
 * @param name the model name (a model of this server, or another graph)
 * @param version null: the highest ready version
 * @param outputs the outputs to ask for; empty (or null) means the model's defaults
 */
public record ModelOptions(String name, @ConfigText String version, List<String> outputs)
    implements NodeOptions {
  static final String EXPECTED_NAME = "a model or graph name of " + ModelNames.EXPECTED_NAME;

  /**
   * @throws ConfigException listing every invalid field
   */
  public ModelOptions {
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    Violations violations = new Violations();
    if (violations.present("name", name, EXPECTED_NAME)) {
      violations.check(ModelNames.isValidName(name), "name", name, EXPECTED_NAME);
    }
    violations.check(
        version == null || ModelNames.isValidVersion(version),
        "version",
        version,
        ModelNames.EXPECTED_VERSION);
    violations.names("outputs", outputs, true);
    violations.throwIfAny(null);
  }

  /** The model's highest ready version, its default outputs. */
  public static ModelOptions of(String name) {
    return new ModelOptions(name, null, List.of());
  }

  /** {@code model: iris}: the model of that name. */
  @ConfigShorthand
  public static ModelOptions parse(String name) {
    if (!ModelNames.isValidName(name)) {
      throw new IllegalArgumentException(EXPECTED_NAME);
    }
    return of(name);
  }
}
