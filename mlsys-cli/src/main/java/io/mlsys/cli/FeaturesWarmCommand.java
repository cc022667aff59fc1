package io.mlsys.cli;

import io.mlsys.config.ConfigException;
import io.mlsys.features.FeatureNodes;
import io.mlsys.features.FeatureStore;
import io.mlsys.graph.GraphConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys features warm}: reads the features nodes of a graph from mlsys.yaml and loads their
 * rows from the source into the Redis tier the servers read, as a feature store materializes its
 * online store: the first request for a warmed id then costs an MGET, not a query.
 */
@Command(
    name = "warm",
    mixinStandardHelpOptions = true,
    description = {
      "Loads feature vectors into the shared cache tier (features.cache.redis) of a graph's"
          + " features nodes ahead of traffic: every row of the source (--all, up to --limit), or"
          + " the ids given. Servers of the same config read the keys at once."
    })
final class FeaturesWarmCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      description = "mlsys.yaml holding the graph.")
  Path configFile;

  @Option(
      names = "--graph",
      required = true,
      description = "The graph whose features nodes are warmed.")
  String graph;

  @Option(names = "--ids", split = ",", description = "Entity ids to load, comma-separated.")
  List<String> ids = new ArrayList<>();

  @Option(names = "--ids-file", description = "A file of entity ids to load, one per line.")
  Path idsFile;

  @Option(names = "--all", description = "Load every row of the source (up to --limit).")
  boolean all;

  @Option(
      names = "--limit",
      defaultValue = "1000000",
      description = "The most rows --all loads (default: ${DEFAULT-VALUE}).")
  long limit;

  @Option(
      names = "--timeout",
      defaultValue = "60s",
      description =
          "The longest each query and the Redis writes may take (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    MlsysConfig config = MlsysConfigLoader.load(configFile);
    GraphConfig graphConfig = config.graphs().get(graph);
    if (graphConfig == null) {
      throw new ConfigException(
          "--graph",
          "'"
              + graph
              + "' (expected: a graph of "
              + configFile
              + ": "
              + config.graphs().keySet()
              + ")");
    }
    List<FeatureNodes.Found> nodes = FeatureNodes.find(graphConfig.root(), "graphs." + graph);
    if (nodes.isEmpty()) {
      throw new ConfigException(
          "--graph", "'" + graph + "' (expected: a graph with a features node)");
    }
    List<String> wanted = new ArrayList<>(ids);
    if (idsFile != null) {
      for (String line : Files.readAllLines(idsFile)) {
        if (!line.isBlank()) {
          wanted.add(line.strip());
        }
      }
    }
    if (all == !wanted.isEmpty()) {
      throw new ConfigException(
          "--all", "(expected: either --all or --ids/--ids-file, one of them)");
    }
    Duration budget =
        io.mlsys.config.Durations.parse(timeout)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "--timeout",
                        "'"
                            + timeout
                            + "' (expected: "
                            + io.mlsys.config.Durations.EXPECTED
                            + ")"));
    for (FeatureNodes.Found node : nodes) {
      if (node.options().cache().redis() == null) {
        throw new ConfigException(
            node.path() + ".cache.redis",
            "missing (expected: a Redis URL: the warm-up fills the shared tier that servers read;"
                + " a server's in-process tier fills from it)");
      }
      long started = System.nanoTime();
      try (FeatureStore store = FeatureStore.open(node.options(), Clock.systemUTC())) {
        FeatureStore.WarmResult result =
            all ? store.warmAll(limit, budget) : store.warm(canonical(node, wanted), budget);
        out.printf(
            "%s: %d ids read from %s, %d found, %d stored in %s (keys %s*) in %d ms%n",
            node.path(),
            result.requested(),
            store.describeSource(),
            result.found(),
            result.storedShared(),
            node.options().cache().redis(),
            store.namespace(),
            (System.nanoTime() - started) / 1_000_000);
      }
    }
    out.flush();
    return 0;
  }

  /** Integer ids as the node writes them (42, not 042), so the keys are the ones it reads. */
  private static List<String> canonical(FeatureNodes.Found node, List<String> wanted) {
    if (node.options().entityType() != io.mlsys.features.FeaturesOptions.EntityType.INTEGER) {
      return wanted;
    }
    List<String> ids = new ArrayList<>(wanted.size());
    for (String id : wanted) {
      try {
        ids.add(Long.toString(Long.parseLong(id.strip())));
      } catch (NumberFormatException e) {
        throw new ConfigException("--ids", "'" + id + "' (expected: integer entity ids)");
      }
    }
    return ids;
  }
}
