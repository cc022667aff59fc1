package io.mlsys.server;

import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.graph.Graphs;
import io.mlsys.graph.ModelLookup;
import io.mlsys.server.config.MlsysConfig;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the served graphs and replaces them when mlsys.yaml changes. A new generation is built and
 * validated completely before it is swapped in; calls in flight finish on the generation they
 * started on, whose remote clients are closed only after {@code retireDelay}. Runtime parameters of
 * the new generation start from its file, and every value that differs from the running one is
 * audited as changed by {@value #RELOAD_ACTOR}.
 */
final class GraphGenerations implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GraphGenerations.class.getName());

  /** Who the audit log names for changes that came with a new mlsys.yaml. */
  static final String RELOAD_ACTOR = "mlsys.yaml";

  private final ServedModels served;
  private final ModelLookup models;
  private final GraphOptions options;
  private final Duration retireDelay;
  private MlsysConfig current;

  GraphGenerations(
      ServedModels served,
      ModelLookup models,
      GraphOptions options,
      Duration retireDelay,
      MlsysConfig initial) {
    this.served = served;
    this.models = models;
    this.options = options;
    this.retireDelay = retireDelay;
    this.current = Objects.requireNonNull(initial, "initial");
  }

  /**
   * Builds the first generation, once the models are loaded (their signatures are checked).
   *
   * @throws io.mlsys.config.ConfigException listing every violation
   */
  synchronized void start() {
    retire(served.replaceGraphs(Graphs.create(current.graphs(), models, options)));
  }

  /**
   * Serves the graphs of a changed mlsys.yaml.
   *
   * @throws io.mlsys.config.ConfigException when the new graphs are invalid; the old ones keep
   *     serving
   */
  synchronized void reload(MlsysConfig next) {
    Graphs built = Graphs.create(next.graphs(), models, options);
    Graphs previous = served.replaceGraphs(built);
    LOG.log(Level.INFO, "mlsys.yaml reloaded: serving graphs {0}", built.names());
    auditChanges(previous, built);
    warnAboutRestart(current, next);
    current = next;
    retire(previous);
  }

  private void auditChanges(Graphs previous, Graphs next) {
    Instant at = options.clock().instant();
    for (String graph : next.names()) {
      if (!previous.contains(graph)) {
        continue;
      }
      Map<String, Object> before = previous.parameters(graph);
      for (Map.Entry<String, Object> entry : next.parameters(graph).entrySet()) {
        if (before.containsKey(entry.getKey())
            && !Objects.equals(before.get(entry.getKey()), entry.getValue())) {
          options
              .auditLog()
              .log(
                  Level.INFO,
                  "graph parameter changed: graph="
                      + graph
                      + " path="
                      + entry.getKey()
                      + " old="
                      + before.get(entry.getKey())
                      + " new="
                      + entry.getValue()
                      + " who="
                      + RELOAD_ACTOR
                      + " at="
                      + at);
        }
      }
    }
  }

  /** Only graphs reload; say so when anything else in the file changed. */
  private static void warnAboutRestart(MlsysConfig before, MlsysConfig after) {
    if (!before.server().equals(after.server())
        || !before.modelRepository().equals(after.modelRepository())
        || !before.onnx().equals(after.onnx())
        || !before.models().equals(after.models())) {
      LOG.log(
          Level.WARNING,
          "mlsys.yaml: changes outside graphs (server, model-repository, onnx, models) take effect"
              + " at the next restart; models can be reloaded with POST"
              + " /v2/repository/models/{name}/load");
    }
  }

  /** Closes a replaced generation once the calls that started on it have had time to finish. */
  private void retire(Graphs previous) {
    if (previous.names().isEmpty()) {
      previous.close();
      return;
    }
    Thread.ofVirtual()
        .name("mlsys-graphs-retire")
        .start(
            () -> {
              try {
                Thread.sleep(retireDelay);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              previous.close();
            });
  }

  Map<String, GraphConfig> graphs() {
    return current.graphs();
  }

  @Override
  public synchronized void close() {
    served.replaceGraphs(Graphs.empty()).close();
  }
}
