package io.mlsys.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.Method;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.experiments.ExperimentState;
import io.mlsys.experiments.Experiments;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryModelResolver;
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
 * {@code GET /v2/experiments/{name}/report.html} answers the report as a self-contained HTML page.
 * {@code POST /v2/experiments/{name}/promote} moves the registry alias of the split's {@code
 * promote-alias} to the version the concluded winner's model serves, under the alias's approval
 * rules (409 when the experiment is not concluded, has no winner, the winner's model was not loaded
 * from the registry, there is no registry, or the rules refuse).
 */
final class ExperimentEndpoints {
  static final String PATH = "/v2/experiments";
  static final String EXPECTED_CHANGE =
      "{\"state\": \"stopped\"} or {\"state\": \"concluded\", \"winner\": \"b\"}";
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private static final io.helidon.http.Header HTML =
      io.helidon.http.HeaderValues.createCached(
          io.helidon.http.HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
  private static final System.Logger LOG = System.getLogger(ExperimentEndpoints.class.getName());

  private final Experiments experiments;
  private final ServedModels served;
  private final RegistryHandle registry;

  /**
   * @param registry null when the server has no registry (promotion then answers 409)
   */
  ExperimentEndpoints(Experiments experiments, ServedModels served, RegistryHandle registry) {
    this.experiments = experiments;
    this.served = served;
    this.registry = registry;
  }

  void addTo(RouteTable routes) {
    routes
        .get(PATH, Protocol.MANAGEMENT, Access.READ, this::list)
        .get(PATH + "/{name}", Protocol.MANAGEMENT, Access.READ, this::status)
        .get(PATH + "/{name}/report", Protocol.MANAGEMENT, Access.READ, this::report)
        .get(PATH + "/{name}/report.html", Protocol.MANAGEMENT, Access.READ, this::htmlReport)
        .post(PATH + "/{name}/promote", Protocol.MANAGEMENT, Access.MANAGE, this::promote)
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

  Reply htmlReport(Exchange exchange) {
    try {
      byte[] html =
          experiments
              .htmlReport(exchange.pathParameter("name"), null, null)
              .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return Reply.of(200, html, HTML);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the experiments' records were written", e);
    }
  }

  /** {@code POST /v2/experiments/{name}/promote}: the winner's version takes the alias. */
  Reply promote(Exchange exchange) {
    Experiments.Promotion promotion = experiments.promotion(exchange.pathParameter("name"));
    if (registry == null) {
      throw new FailedPreconditionException(
          "promotion moves a registry alias: this server has no registry (expected: registry:"
              + " and store: in the config)");
    }
    ModelMetadata metadata = served.metadata(promotion.model(), null);
    String registryModel =
        metadata.properties().get(RegistryModelResolver.PROPERTY_PREFIX + "model");
    String version = metadata.properties().get(RegistryModelResolver.PROPERTY_PREFIX + "version");
    if (registryModel == null || version == null) {
      throw new FailedPreconditionException(
          "experiment '"
              + promotion.experiment()
              + "': the winner's model '"
              + promotion.model()
              + "' was not loaded from the registry (expected: models."
              + promotion.model()
              + ".registry: <name>@<alias> or <name>/<version>)");
    }
    String who = GraphEndpoints.caller(exchange);
    ModelVersion moved =
        registry.get().setAlias(registryModel, promotion.alias(), Long.parseLong(version), who);
    LOG.log(
        System.Logger.Level.INFO,
        "experiment "
            + promotion.experiment()
            + ": winner "
            + promotion.arm()
            + " promoted: "
            + registryModel
            + "@"
            + promotion.alias()
            + " -> version "
            + moved.version()
            + " by "
            + who);
    Map<String, Object> answer = new java.util.LinkedHashMap<>();
    answer.put("experiment", promotion.experiment());
    answer.put("winner", promotion.arm());
    answer.put("model", promotion.model());
    answer.put("registry_model", registryModel);
    answer.put("alias", promotion.alias());
    answer.put("version", moved.version());
    return json(answer);
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
