package io.mlsys.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which transports (the HTTP and gRPC listeners) are down, so that health checks on every transport
 * stop saying live, ready or SERVING while one of them cannot accept connections: an orchestrator
 * that probes only one port must still see the server as broken and restart it.
 */
final class TransportHealth {
  /** The REST (HTTP/1.1) listener. */
  static final String REST = "rest";

  private final Map<String, String> down = new ConcurrentHashMap<>();

  /** Marks a transport as unable to accept connections, with a short reason. */
  void down(String transport, String reason) {
    down.put(transport, reason);
  }

  /** Marks a transport as accepting connections again. */
  void up(String transport) {
    down.remove(transport);
  }

  /** Whether every transport accepts connections. */
  boolean isUp() {
    return down.isEmpty();
  }

  /** What is down and why, for a health answer; empty when every transport is up. */
  String problem() {
    StringBuilder problem = new StringBuilder();
    down.forEach(
        (transport, reason) ->
            problem
                .append(problem.isEmpty() ? "" : "; ")
                .append("the ")
                .append(transport)
                .append(" listener is down: ")
                .append(reason));
    return problem.toString();
  }
}
