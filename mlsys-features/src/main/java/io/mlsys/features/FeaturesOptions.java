package io.mlsys.features;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.core.DataType;
import io.mlsys.graph.NodeConfig;
import io.mlsys.graph.spi.NodeOptions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code features} (data cache): takes the entity ids of a request, fetches each entity's feature
 * vector from a table or query through a cache, and hands the vectors as one tensor {@code [N,
 * features]} (columns in the order of {@code features}) to the node after it:
 *
 * <pre>{@code
 * features:
 *   entity: input:customer_id            # or header:x-customer-id, parameter:customer_id
 *   source: { url: jdbc:sqlite:features.db, table: customer_features, key-column: customer_id }
 *   features: [tenure, monthly_charges, total_charges]
 *   output: float_input
 *   max-age: 1h
 *   cache: { max-entries: 100000, redis: "redis://127.0.0.1:6379" }
 *   node: { model: churn }
 * }</pre>
 *
 * @param entity where the ids are: {@code input:NAME} (a tensor of N ids, shape {@code [N]} or
 *     {@code [N, 1]}, an integer or BYTES tensor), {@code header:NAME} or {@code parameter:NAME}
 *     (one id)
 * @param entityType {@code integer} or {@code string}: the key column's type, which ids must fit;
 *     null: {@code integer}
 * @param source the table or query the vectors come from
 * @param features the feature columns, in the order of the tensor's columns
 * @param output the name of the tensor the vectors go into
 * @param datatype {@code FP32} or {@code FP64}; null: {@code FP32}
 * @param maxAge how old a row's {@code timestamp-column} may be before its features are reported
 *     {@code OUTSIDE_MAX_AGE}; it bounds how long a cached entry lives too; null: never stale
 * @param onMissing {@code status}: an unknown id gets {@code missing-value} for every feature and
 *     the status {@code NOT_FOUND}; {@code error}: the call fails with 404 naming the id; null:
 *     {@code status}
 * @param missingValue the value of a feature that is not present (unknown id, NULL column); null:
 *     NaN
 * @param cache the in-process and Redis tiers; null: the defaults of {@link FeatureCacheConfig}
 * @param maxEntities the most ids one call may ask for; null: {@value #DEFAULT_MAX_ENTITIES}
 * @param node the node that gets the features tensor (and the {@code pass-inputs}); null: the node
 *     answers the features tensor itself (a sequence step)
 * @param passInputs request inputs handed to {@code node} beside the features tensor, for a model
 *     that reads both; null: none
 */
public record FeaturesOptions(
    String entity,
    EntityType entityType,
    FeatureSourceConfig source,
    List<String> features,
    String output,
    String datatype,
    Duration maxAge,
    OnMissing onMissing,
    Double missingValue,
    FeatureCacheConfig cache,
    Integer maxEntities,
    NodeConfig node,
    List<String> passInputs)
    implements NodeOptions {
  public static final int DEFAULT_MAX_ENTITIES = 1024;
  public static final int MAX_ENTITIES_LIMIT = 65_536;

  /** Columns the key and the timestamp take beside the features in one row. */
  public static final int MAX_FEATURES = 4096;

  /** The type of entity ids (the key column's). */
  public enum EntityType {
    INTEGER,
    STRING
  }

  /** What an unknown entity id does. */
  public enum OnMissing {
    STATUS,
    ERROR
  }

  /**
   * @throws ConfigException naming each bad key
   */
  public FeaturesOptions {
    entityType = Objects.requireNonNullElse(entityType, EntityType.INTEGER);
    datatype = datatype == null ? "FP32" : datatype.toUpperCase(Locale.ROOT);
    onMissing = Objects.requireNonNullElse(onMissing, OnMissing.STATUS);
    missingValue = Objects.requireNonNullElse(missingValue, Double.NaN);
    cache = Objects.requireNonNullElseGet(cache, FeatureCacheConfig::defaults);
    maxEntities = Objects.requireNonNullElse(maxEntities, DEFAULT_MAX_ENTITIES);
    features = features == null ? null : List.copyOf(features);
    passInputs = passInputs == null ? List.of() : List.copyOf(passInputs);
    Violations violations = new Violations();
    violations.names("pass-inputs", passInputs, true);
    if (node == null && !passInputs.isEmpty()) {
      violations.invalid("pass-inputs", passInputs, "none without node: they are handed to it");
    }
    if (output != null && passInputs.contains(output)) {
      violations.invalid(
          "pass-inputs", passInputs, "inputs other than the output '" + output + "'");
    }
    if (violations.present("entity", entity, EntityRef.EXPECTED)) {
      violations.check(EntityRef.parse(entity) != null, "entity", entity, EntityRef.EXPECTED);
    }
    violations.present("source", source, "a table or query, such as {url: ..., table: ...}");
    if (violations.present("features", features, "a list of feature column names")) {
      violations.check(
          !features.isEmpty() && features.size() <= MAX_FEATURES,
          "features",
          features,
          "1 to " + MAX_FEATURES + " column names");
      violations.names("features", features, true);
      for (int i = 0; i < features.size(); i++) {
        String name = features.get(i);
        if (name != null && !FeatureSourceConfig.IDENTIFIER.matcher(name).matches()) {
          violations.invalid("features[" + i + "]", name, FeatureSourceConfig.EXPECTED_IDENTIFIER);
        }
        if (source != null
            && (name != null)
            && (name.equals(source.keyColumn()) || name.equals(source.timestampColumn()))) {
          violations.invalid(
              "features[" + i + "]", name, "a feature column, not the key or timestamp column");
        }
      }
    }
    violations.name("output", output);
    violations.check(
        datatype.equals("FP32") || datatype.equals("FP64"), "datatype", datatype, "FP32 or FP64");
    violations.check(
        maxAge == null || (!maxAge.isNegative() && !maxAge.isZero()),
        "max-age",
        maxAge,
        Durations.EXPECTED + ", > 0");
    if (maxAge != null && source != null && source.timestampColumn() == null) {
      violations.invalid(
          "max-age",
          maxAge,
          "source.timestamp-column set too: max-age is measured from each row's timestamp");
    }
    violations.check(
        maxEntities >= 1 && maxEntities <= MAX_ENTITIES_LIMIT,
        "max-entities",
        maxEntities,
        "an integer from 1 to " + MAX_ENTITIES_LIMIT);
    violations.throwIfAny(null);
  }

  /** A node answering the features tensor itself, with every default. */
  public static FeaturesOptions of(
      String entity, FeatureSourceConfig source, List<String> features, String output) {
    return new FeaturesOptions(
        entity, null, source, features, output, null, null, null, null, null, null, null, null);
  }

  public FeaturesOptions withEntityType(EntityType type) {
    return new FeaturesOptions(
        entity,
        type,
        source,
        features,
        output,
        datatype,
        maxAge,
        onMissing,
        missingValue,
        cache,
        maxEntities,
        node,
        passInputs);
  }

  public FeaturesOptions withMaxAge(Duration age) {
    return new FeaturesOptions(
        entity,
        entityType,
        source,
        features,
        output,
        datatype,
        age,
        onMissing,
        missingValue,
        cache,
        maxEntities,
        node,
        passInputs);
  }

  public FeaturesOptions withOnMissing(OnMissing missing) {
    return new FeaturesOptions(
        entity,
        entityType,
        source,
        features,
        output,
        datatype,
        maxAge,
        missing,
        missingValue,
        cache,
        maxEntities,
        node,
        passInputs);
  }

  public FeaturesOptions withMissingValue(double value) {
    return new FeaturesOptions(
        entity,
        entityType,
        source,
        features,
        output,
        datatype,
        maxAge,
        onMissing,
        value,
        cache,
        maxEntities,
        node,
        passInputs);
  }

  public FeaturesOptions withCache(FeatureCacheConfig newCache) {
    return new FeaturesOptions(
        entity,
        entityType,
        source,
        features,
        output,
        datatype,
        maxAge,
        onMissing,
        missingValue,
        newCache,
        maxEntities,
        node,
        passInputs);
  }

  public FeaturesOptions withMaxEntities(int max) {
    return new FeaturesOptions(
        entity,
        entityType,
        source,
        features,
        output,
        datatype,
        maxAge,
        onMissing,
        missingValue,
        cache,
        max,
        node,
        passInputs);
  }

  public FeaturesOptions withNode(NodeConfig child) {
    return new FeaturesOptions(
        entity,
        entityType,
        source,
        features,
        output,
        datatype,
        maxAge,
        onMissing,
        missingValue,
        cache,
        maxEntities,
        child,
        passInputs);
  }

  public FeaturesOptions withPassInputs(List<String> inputs) {
    return new FeaturesOptions(
        entity,
        entityType,
        source,
        features,
        output,
        datatype,
        maxAge,
        onMissing,
        missingValue,
        cache,
        maxEntities,
        node,
        inputs);
  }

  /** {@link #datatype} as a type. */
  public DataType outputType() {
    return DataType.valueOf(datatype);
  }

  /** {@link #entity} parsed. */
  EntityRef entityRef() {
    return EntityRef.parse(entity);
  }
}
