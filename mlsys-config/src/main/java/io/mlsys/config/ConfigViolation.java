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
    return new ConfigViolation(join(parent, path), problem);
  }

  /**
   * The key path of {@code key} under {@code parent}, the one place key paths are joined: {@code
   * server} and {@code port} make server.port, {@code graphs.g.transform} and {@code [1].scale}
   * make graphs.g.transform[1].scale (an index needs no dot), and an empty side is left out.
   */
  public static String join(String parent, String key) {
    if (parent.isEmpty()) {
      return key;
    }
    if (key.isEmpty()) {
      return parent;
    }
    return key.startsWith("[") ? parent + key : parent + "." + key;
  }

  @Override
  public String toString() {
    return path.isEmpty() ? problem : path + ": " + problem;
  }
}
