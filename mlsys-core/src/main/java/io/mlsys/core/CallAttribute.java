package io.mlsys.core;

import java.util.Objects;

/**
 * The typed key of one per-call attribute of a {@link CallContext}: where a call comes from and
 * where it is in a graph, so that decorators, graph nodes, log sinks and experiments read the same
 * facts. {@link CallContext#attribute(CallAttribute)} reads one, {@link CallContext#with} adds or
 * replaces one in a new context.
 *
 * <p>Keys compare by identity: declare each once as a constant (as the well-known ones below are)
 * and share the constant; two keys made with the same name are different keys.
 *
 * @param <T> the type of the attribute's value
 */
public final class CallAttribute<T> {
  /** The request's id as the client sees it ({@code x-request-id}); set by the transports. */
  public static final CallAttribute<String> REQUEST_ID = of("request-id", String.class);

  /**
   * Where the call is in a graph: the path of the node that runs it, such as {@code
   * iris-routed.rules[1]}; set by graph nodes.
   */
  public static final CallAttribute<String> GRAPH_PATH = of("graph-path", String.class);

  /**
   * The unit an experiment assigns arms by (a user or session id), read by splitters so one unit
   * always gets the same arm.
   */
  public static final CallAttribute<String> UNIT_KEY = of("unit-key", String.class);

  /** The experiment arm the call was assigned to, set by the node that assigned it. */
  public static final CallAttribute<String> EXPERIMENT_ARM = of("experiment-arm", String.class);

  /**
   * Who called: the user of the authenticated token ({@code server.auth}); absent when the call
   * carried no known token. Set by the transports.
   */
  public static final CallAttribute<String> CALLER = of("caller", String.class);

  /**
   * The current span of the call's trace (its ids, and where the next step's span starts): set by
   * the transports from the request's {@code traceparent} (a new trace when it has none), replaced
   * by each traced step for what it calls, read by remote clients (which send it on) and by logs
   * (the trace id).
   */
  public static final CallAttribute<Span> SPAN = of("span", Span.class);

  /**
   * The features a {@code features} graph node fetched for the call (data cache), set by that node
   * for the nodes and models after it; the prediction log records them.
   */
  public static final CallAttribute<FetchedFeatures> FEATURES =
      of("features", FetchedFeatures.class);

  private final String name;
  private final Class<T> type;

  private CallAttribute(String name, Class<T> type) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
  }

  /**
   * A new key.
   *
   * @param name how logs and messages name the attribute, in kebab-case
   * @param type the type every value of the attribute has
   */
  public static <T> CallAttribute<T> of(String name, Class<T> type) {
    return new CallAttribute<>(name, type);
  }

  public String name() {
    return name;
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public String toString() {
    return name;
  }
}
