package io.mlsys.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration: where and what.
 *
 * @param path the key path, e.g. {@code models.iris-svc.uri} or {@code server.port}; empty for a
 *     problem with the whole document (such as a YAML syntax error)
 * @param problem the offending value and what was expected, e.g. {@code 'abc' (expected: an integer
 *     from 0 to 65535)}
 */
public record ConfigViolation(String path, String problem) {
  public ConfigViolation {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(problem, "problem");
  }

  /**
   * The same violation under a parent key: {@code port} under {@code server} is server.port, and
   * {@code [1].scale.std} under {@code graphs.g.transform} is graphs.g.transform[1].scale.std.
   */
  public ConfigViolation under(String parent) {
    if (parent.isEmpty()) {
      return this;
    }
    if (path.isEmpty()) {
      return new ConfigViolation(parent, problem);
    }
    return new ConfigViolation(path.startsWith("[") ? parent + path : parent + "." + path, problem);
  }

  @Override
  public String toString() {
    return path.isEmpty() ? problem : path + ": " + problem;
  }
}
