package io.mlsys.server;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNames;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.monitoring.Monitors;

/**
 * {@code GET /v2/models/{m}/monitor}: the monitor state of every monitored version of a model
 * ({@code {"model": m, "versions": [...]}}, docs/observability.md), 404 when it is not monitored.
 */
final class MonitorEndpoints {
  static final String PATH = "/v2/models/{model}/monitor";

  private final Monitors monitors;

  MonitorEndpoints(Monitors monitors) {
    this.monitors = monitors;
  }

  void addTo(RouteTable routes) {
    routes.get(PATH, Protocol.MANAGEMENT, Access.READ, this::state);
  }

  Reply state(Exchange exchange) {
    String model = exchange.pathParameter("model");
    if (!ModelNames.isValidName(model)) {
      throw new InvalidInputException("model", "not a model name");
    }
    return Reply.json(
        monitors
            .stateJson(model)
            .orElseThrow(
                () ->
                    new ResourceNotFoundException(
                        "model "
                            + model
                            + " is not monitored (expected: models."
                            + model
                            + ".monitoring in mlsys.yaml, or a monitor decorator)")));
  }
}
