package io.mlsys.core;

import java.util.Map;
import java.util.Objects;

/** An output the client asks for, with its OIP parameters (e.g. {@code binary_data}). */
public record RequestedOutput(String name, Map<String, Object> parameters) {
  public RequestedOutput {
    Objects.requireNonNull(name, "name");
    parameters = Parameters.copyOf(parameters, "outputs." + name + ".parameters");
  }

  public static RequestedOutput named(String name) {
    return new RequestedOutput(name, Map.of());
  }
}
