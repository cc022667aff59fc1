package io.mlsys.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.registry.AliasMove;
import io.mlsys.registry.Approval;
import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.DataProfile;
import io.mlsys.registry.Lineage;
import io.mlsys.registry.ModelCard;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.Page;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.SearchQuery;
import io.mlsys.registry.VersionName;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The mlsys-only registry API beside MLflow's ({@code /v2/registry/...}): registering a version
 * with its catalog version name, model card, data profile and lineage; reading those; approvals;
 * archiving; alias history; the audit; garbage collection of artifacts. Errors are the /v2 API's
 * ({@code {"error": ...}}, {@link HttpError}).
 *
 * <p>A version in a path is its number or its version name ({@code x.y.z-data.split}); a name given
 * to several versions names the newest.
 */
final class RegistryEndpoints {
  static final String PREFIX = "/v2/registry";
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private static final Set<String> REGISTER_KEYS =
      Set.of("source", "description", "version_name", "lineage", "card", "profile", "tags");

  private final RegistryHandle registry;

  RegistryEndpoints(RegistryHandle registry) {
    this.registry = registry;
  }

  /** Every registry route: MLflow's REST and artifact APIs, and this one. */
  static void addAll(RouteTable routes, RegistryHandle registry, Clock clock) {
    new MlflowRegistryEndpoints(registry).addTo(routes);
    new MlflowTrackingEndpoints(registry, clock).addTo(routes);
    new MlflowArtifactEndpoints(registry).addTo(routes);
    new RegistryEndpoints(registry).addTo(routes);
  }

  void addTo(RouteTable routes) {
    String model = PREFIX + "/models/{model}";
    String version = model + "/versions/{version}";
    routes
        .post(model + "/versions", Protocol.MANAGEMENT, Access.MANAGE, this::register)
        .get(model + "/versions", Protocol.MANAGEMENT, Access.READ, this::listVersions)
        .get(version, Protocol.MANAGEMENT, Access.READ, this::version)
        .get(version + "/card", Protocol.MANAGEMENT, Access.READ, this::card)
        .get(version + "/profile", Protocol.MANAGEMENT, Access.READ, this::profile)
        .get(version + "/lineage", Protocol.MANAGEMENT, Access.READ, this::lineage)
        .get(version + "/approvals", Protocol.MANAGEMENT, Access.READ, this::approvals)
        .post(version + "/approve", Protocol.MANAGEMENT, Access.MANAGE, this::approve)
        .post(version + "/archive", Protocol.MANAGEMENT, Access.MANAGE, this::archive)
        .get(
            model + "/aliases/{alias}/history",
            Protocol.MANAGEMENT,
            Access.READ,
            this::aliasHistory)
        .get(PREFIX + "/audit", Protocol.MANAGEMENT, Access.READ, this::audit)
        .post(PREFIX + "/gc", Protocol.MANAGEMENT, Access.MANAGE, this::collectGarbage);
  }

  private RegistryStore store() {
    return registry.get().store();
  }

  /**
   * {@code POST /v2/registry/models/{m}/versions}: registers a version as {@code model-versions/
   * create} does, with what MLflow has no fields for: {@code version_name}, {@code card}, {@code
   * profile}, {@code lineage}.
   */
  private Reply register(Exchange exchange) {
    String model = exchange.pathParameter("model");
    ObjectNode body = MlflowJson.readObject(exchange.body());
    for (String key : (Iterable<String>) body::fieldNames) {
      if (!REGISTER_KEYS.contains(key)) {
        throw new InvalidInputException(
            key,
            "unknown key (expected one of: "
                + String.join(", ", REGISTER_KEYS.stream().sorted().toList())
                + ")");
      }
    }
    JsonNode source = body.get("source");
    if (source == null || !source.isTextual() || source.asText().isBlank()) {
      throw new InvalidInputException("source", "missing (expected: a path or URI, a string)");
    }
    JsonNode name = body.get("version_name");
    VersionName versionName =
        name == null || name.isNull()
            ? null
            : VersionName.parse(textOf(name, "version_name"), "version_name");
    JsonNode description = body.get("description");
    NewVersion version =
        new NewVersion(
            model,
            source.asText(),
            description == null || description.isNull() ? null : textOf(description, "description"),
            versionName,
            RegistryJson.read(body.get("lineage"), Lineage.class, "lineage"),
            RegistryJson.read(body.get("card"), ModelCard.class, "card"),
            RegistryJson.read(body.get("profile"), DataProfile.class, "profile"),
            RegistryJson.strings(body.get("tags"), "tags"));
    ModelVersion registered = registry.get().register(version, GraphEndpoints.caller(exchange));
    return RegistryJson.reply(RegistryJson.version(registered));
  }

  /** {@code GET .../versions[?version_name=&max_results=&page_token=]}: a model's versions. */
  private Reply listVersions(Exchange exchange) {
    String model = exchange.pathParameter("model");
    store().model(model);
    String versionName = exchange.query("version_name");
    ObjectNode json = MlflowJson.object();
    ArrayNode list = json.putArray("versions");
    if (versionName != null) {
      VersionName wanted = VersionName.parse(versionName, "version_name");
      for (ModelVersion version : versionsNamed(model, wanted)) {
        list.add(RegistryJson.versionSummary(version));
      }
      return RegistryJson.reply(json);
    }
    Page<ModelVersion> page =
        store()
            .searchVersions(
                new SearchQuery(
                    modelFilter(model),
                    List.of("version_number DESC"),
                    maxResults(exchange),
                    exchange.query("page_token")));
    page.items().forEach(version -> list.add(RegistryJson.versionSummary(version)));
    if (page.nextPageToken() != null) {
      json.put("next_page_token", page.nextPageToken());
    }
    return RegistryJson.reply(json);
  }

  private Reply version(Exchange exchange) {
    return RegistryJson.reply(RegistryJson.version(versionOf(exchange)));
  }

  private Reply card(Exchange exchange) {
    ModelVersion version = versionOf(exchange);
    if (version.card() == null) {
      throw new ResourceNotFoundException(describe(version) + " has no model card");
    }
    return RegistryJson.reply(RegistryJson.tree(version.card()));
  }

  private Reply profile(Exchange exchange) {
    ModelVersion version = versionOf(exchange);
    if (version.profile() == null) {
      throw new ResourceNotFoundException(describe(version) + " has no data profile");
    }
    return RegistryJson.reply(RegistryJson.tree(version.profile()));
  }

  private Reply lineage(Exchange exchange) {
    ModelVersion version = versionOf(exchange);
    ObjectNode json = MlflowJson.object();
    json.put("model", version.model());
    json.put("version", version.version());
    if (version.versionName() != null) {
      json.put("version_name", version.versionName().toString());
    }
    if (version.artifactDigest() != null) {
      json.put("artifact_digest", version.artifactDigest());
    }
    json.setAll((ObjectNode) RegistryJson.tree(version.lineage()));
    return RegistryJson.reply(json);
  }

  private Reply approvals(Exchange exchange) {
    ModelVersion version = versionOf(exchange);
    ObjectNode json = MlflowJson.object();
    ArrayNode list = json.putArray("approvals");
    for (Approval approval : store().approvals(version.model(), version.version())) {
      list.add(RegistryJson.approval(approval));
    }
    return RegistryJson.reply(json);
  }

  /**
   * {@code POST .../approve} {@code {"alias": ..., "comment": ...}}: the caller approves the
   * version for the alias (under the alias's rule: maybe not who registered it).
   */
  private Reply approve(Exchange exchange) {
    ObjectNode body = MlflowJson.readObject(exchange.body());
    ModelVersion version = versionOf(exchange);
    JsonNode alias = body.get("alias");
    if (alias == null || !alias.isTextual() || alias.asText().isBlank()) {
      throw new InvalidInputException("alias", "missing (expected: the alias to approve it for)");
    }
    JsonNode comment = body.get("comment");
    ModelRegistry opened = registry.get();
    Approval approval =
        opened.approve(
            version.model(),
            version.version(),
            alias.asText(),
            GraphEndpoints.caller(exchange),
            comment == null || comment.isNull() ? null : textOf(comment, "comment"));
    return RegistryJson.reply(RegistryJson.approval(approval));
  }

  /** {@code POST .../archive}: stays readable; no alias may point to it any more. */
  private Reply archive(Exchange exchange) {
    ModelVersion version = versionOf(exchange);
    ModelVersion archived =
        store().archiveVersion(version.model(), version.version(), GraphEndpoints.caller(exchange));
    return RegistryJson.reply(RegistryJson.version(archived));
  }

  private Reply aliasHistory(Exchange exchange) {
    String model = exchange.pathParameter("model");
    String alias = exchange.pathParameter("alias");
    List<AliasMove> moves = store().aliasHistory(model, alias);
    ObjectNode json = MlflowJson.object();
    ArrayNode list = json.putArray("moves");
    moves.forEach(move -> list.add(RegistryJson.aliasMove(move)));
    return RegistryJson.reply(json);
  }

  /** {@code GET /v2/registry/audit[?model=&max_results=&page_token=]}: newest first. */
  private Reply audit(Exchange exchange) {
    Page<AuditEntry> page =
        store()
            .audit(
                new AuditQuery(
                    exchange.query("model"), maxResults(exchange), exchange.query("page_token")));
    ObjectNode json = MlflowJson.object();
    ArrayNode list = json.putArray("entries");
    page.items().forEach(entry -> list.add(RegistryJson.auditEntry(entry)));
    if (page.nextPageToken() != null) {
      json.put("next_page_token", page.nextPageToken());
    }
    return RegistryJson.reply(json);
  }

  /** {@code POST /v2/registry/gc}: deletes artifacts no version refers to. */
  private Reply collectGarbage(Exchange exchange) {
    MlflowJson.readObject(exchange.body());
    List<String> deleted = registry.get().collectGarbage();
    ObjectNode json = MlflowJson.object();
    ArrayNode list = json.putArray("deleted");
    deleted.forEach(list::add);
    return RegistryJson.reply(json);
  }

  // versions by number or name

  private ModelVersion versionOf(Exchange exchange) {
    String model = exchange.pathParameter("model");
    String text = exchange.pathParameter("version");
    if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
      long number;
      try {
        number = Long.parseLong(text);
      } catch (NumberFormatException e) {
        number = 0;
      }
      if (number < 1) {
        throw new InvalidInputException(
            "version",
            "'" + ErrorMessages.excerpt(text) + "' (expected: a number >= 1 or a version name)");
      }
      return store().version(model, number);
    }
    VersionName name = VersionName.parse(text, "version");
    List<ModelVersion> named = versionsNamed(model, name);
    if (named.isEmpty()) {
      store().model(model);
      throw new ResourceNotFoundException("model '" + model + "' has no version named " + name);
    }
    return named.getFirst();
  }

  /** The versions of {@code model} with that version name, newest first. */
  private List<ModelVersion> versionsNamed(String model, VersionName name) {
    List<ModelVersion> named = new ArrayList<>();
    String token = null;
    do {
      Page<ModelVersion> page =
          store()
              .searchVersions(
                  new SearchQuery(
                      modelFilter(model), List.of("version_number DESC"), MAX_PAGE, token));
      for (ModelVersion version : page.items()) {
        if (name.equals(version.versionName())) {
          named.add(version);
        }
      }
      token = page.nextPageToken();
    } while (token != null && !token.isEmpty());
    return named;
  }

  /** MLflow filter syntax for one model's versions; names cannot hold quotes (ModelNames). */
  private static String modelFilter(String model) {
    return "name = '" + model.replace("'", "''") + "'";
  }

  private static int maxResults(Exchange exchange) {
    String text = exchange.query("max_results");
    if (text == null || text.isEmpty()) {
      return DEFAULT_PAGE;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      value = 0;
    }
    if (value < 1 || value > MAX_PAGE) {
      throw new InvalidInputException(
          "max_results",
          "'"
              + ErrorMessages.excerpt(text)
              + "' (expected: an integer from 1 to "
              + MAX_PAGE
              + ")");
    }
    return value;
  }

  private static String textOf(JsonNode node, String field) {
    if (!node.isTextual()) {
      throw new InvalidInputException(field, node.getNodeType() + " (expected: a string)");
    }
    return node.asText();
  }

  private static String describe(ModelVersion version) {
    return "model '" + version.model() + "' version " + version.version();
  }
}
