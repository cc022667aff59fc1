package io.mlsys.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.Method;
import io.mlsys.core.InvalidInputException;
import io.mlsys.predictionlog.PredictionLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.logging.Logger;

/**
 * The prediction log's switch, without a restart: {@code GET /v2/prediction-log} answers {@code
 * {"enabled": true}}, {@code PUT /v2/prediction-log} with {@code {"enabled": false}} turns
 * recording off for every model (on again with {@code true}); the change is logged with who made
 * it.
 */
final class PredictionLogEndpoints {
  static final String PATH = "/v2/prediction-log";
  private static final Logger LOG = Logger.getLogger(PredictionLogEndpoints.class.getName());
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private final PredictionLog log;

  PredictionLogEndpoints(PredictionLog log) {
    this.log = log;
  }

  void addTo(RouteTable routes) {
    routes
        .get(PATH, Protocol.MANAGEMENT, Access.READ, this::state)
        .add(Method.PUT, PATH, Protocol.MANAGEMENT, Access.MANAGE, this::setState);
  }

  Reply state(Exchange exchange) {
    return Reply.json(("{\"enabled\":" + log.isEnabled() + "}").getBytes(StandardCharsets.UTF_8));
  }

  Reply setState(Exchange exchange) {
    JsonNode body;
    try {
      body = MAPPER.readTree(exchange.body());
    } catch (IOException e) {
      throw new InvalidInputException("body", "malformed JSON (expected: {\"enabled\": true})");
    }
    if (body == null || !body.isObject()) {
      throw new InvalidInputException("body", "not a JSON object (expected: {\"enabled\": true})");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("enabled")) {
        throw new InvalidInputException(name, "unknown field (expected: enabled)");
      }
    }
    JsonNode enabled = body.get("enabled");
    if (enabled == null || !enabled.isBoolean()) {
      throw new InvalidInputException(
          "enabled", (enabled == null ? "missing" : enabled.toString()) + " (expected: a boolean)");
    }
    log.setEnabled(enabled.booleanValue());
    LOG.info(
        "prediction log switched "
            + (enabled.booleanValue() ? "on" : "off")
            + " by "
            + GraphEndpoints.caller(exchange));
    return state(exchange);
  }
}
