package io.mlsys.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.Method;
import io.mlsys.core.InvalidInputException;
import io.mlsys.experiments.ExperimentState;
import io.mlsys.experiments.Experiments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The experiments' endpoints ({@code split} and {@code mirror} graphs): {@code GET /v2/experiments}
 * lists them with their state, {@code GET /v2/experiments/{name}} shows one, {@code GET
 * /v2/experiments/{name}/report} answers its analysis from the store, and {@code PUT
 * /v2/experiments/{name}} with {@code {"state": "stopped"}} (or {@code running}, or {@code
 * concluded} with an optional {@code "winner": "<arm>"}) changes its state for every replica.
 */
final class ExperimentEndpoints {
  static final String PATH = "/v2/experiments";
  static final String EXPECTED_CHANGE =
      "{\"state\": \"stopped\"} or {\"state\": \"concluded\", \"winner\": \"b\"}";
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private final Experiments experiments;

  ExperimentEndpoints(Experiments experiments) {
    this.experiments = experiments;
  }

  void addTo(RouteTable routes) {
    routes
        .get(PATH, Protocol.MANAGEMENT, Access.READ, this::list)
        .get(PATH + "/{name}", Protocol.MANAGEMENT, Access.READ, this::status)
        .get(PATH + "/{name}/report", Protocol.MANAGEMENT, Access.READ, this::report)
        .add(Method.PUT, PATH + "/{name}", Protocol.MANAGEMENT, Access.MANAGE, this::change);
  }

  Reply list(Exchange exchange) {
    return json(Map.of("experiments", experiments.list()));
  }

  Reply status(Exchange exchange) {
    return json(experiments.status(exchange.pathParameter("name")));
  }

  Reply report(Exchange exchange) {
    try {
      return json(experiments.report(exchange.pathParameter("name")));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the experiments' records were written", e);
    }
  }

  Reply change(Exchange exchange) {
    JsonNode body;
    try {
      body = MAPPER.readTree(exchange.body());
    } catch (IOException e) {
      throw new InvalidInputException("body", "malformed JSON (expected: " + EXPECTED_CHANGE + ")");
    }
    if (body == null || !body.isObject()) {
      throw new InvalidInputException(
          "body", "not a JSON object (expected: " + EXPECTED_CHANGE + ")");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("state") && !name.equals("winner")) {
        throw new InvalidInputException(name, "unknown field (expected: state, winner)");
      }
    }
    JsonNode stateNode = body.get("state");
    ExperimentState state;
    try {
      state =
          ExperimentState.parse(
              stateNode == null || !stateNode.isTextual() ? null : stateNode.asText());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("state", e.getMessage());
    }
    JsonNode winnerNode = body.get("winner");
    if (winnerNode != null && !winnerNode.isTextual() && !winnerNode.isNull()) {
      throw new InvalidInputException("winner", winnerNode + " (expected: an arm's name)");
    }
    String winner = winnerNode == null || winnerNode.isNull() ? null : winnerNode.asText();
    return json(
        experiments.changeState(
            exchange.pathParameter("name"), state, winner, GraphEndpoints.caller(exchange)));
  }

  private static Reply json(Object document) {
    try {
      return Reply.json(MAPPER.writeValueAsBytes(document));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
