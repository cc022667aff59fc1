package io.mlsys.features;

import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.features.FeaturesOptions.EntityType;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a request carries its entity ids ({@code features.entity}).
 *
 * @param where the part of the request
 * @param name the input tensor, header or parameter name
 */
record EntityRef(Where where, String name) {
  static final String EXPECTED =
      "input:NAME, header:NAME or parameter:NAME, such as input:customer_id";

  enum Where {
    INPUT,
    HEADER,
    PARAMETER
  }

  /** The reference written {@code input:NAME}; null when it is not one. */
  static EntityRef parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0
        || colon == text.length() - 1
        || !text.substring(colon + 1).strip().equals(text.substring(colon + 1))) {
      return null;
    }
    String name = text.substring(colon + 1);
    return switch (text.substring(0, colon)) {
      case "input" -> new EntityRef(Where.INPUT, name);
      case "header" -> new EntityRef(Where.HEADER, name.toLowerCase(java.util.Locale.ROOT));
      case "parameter" -> new EntityRef(Where.PARAMETER, name);
      default -> null;
    };
  }

  /** The request field that names the ids, in messages: {@code inputs[customer_id]}. */
  String field() {
    return switch (where) {
      case INPUT -> "inputs[" + name + "]";
      case HEADER -> "headers." + name;
      case PARAMETER -> "parameters." + name;
    };
  }

  /**
   * The ids of the call, in request order, as canonical text (an integer id without sign or leading
   * zeros beyond what {@link Long#toString} writes).
   *
   * @throws InvalidInputException naming the field when it is absent or an id is not of {@code
   *     type}
   */
  List<String> ids(InferRequest request, CallContext context, EntityType type, int maxEntities) {
    List<String> ids =
        switch (where) {
          case INPUT -> fromInput(request, type);
          case HEADER -> {
            String value =
                context
                    .header(name)
                    .orElseThrow(
                        () ->
                            new InvalidInputException(
                                field(), "missing (expected: the entity id in this header)"));
            yield List.of(canonical(value, type));
          }
          case PARAMETER -> {
            Object value = request.parameters().get(name);
            yield List.of(fromParameter(value, type));
          }
        };
    if (ids.isEmpty()) {
      throw new InvalidInputException(field(), "no ids (expected: at least one entity id)");
    }
    if (ids.size() > maxEntities) {
      throw new InvalidInputException(
          field(), ids.size() + " ids (expected: at most " + maxEntities + " per call)");
    }
    return ids;
  }

  private List<String> fromInput(InferRequest request, EntityType type) {
    Tensor tensor =
        request
            .input(name)
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        field(),
                        "missing (expected: an input '"
                            + name
                            + "' of entity ids; inputs given: "
                            + request.inputs().stream().map(Tensor::name).toList()
                            + ")"));
    long[] shape = tensor.shape();
    boolean column = shape.length == 1 || (shape.length == 2 && shape[1] == 1);
    if (!column) {
      throw new InvalidInputException(
          field() + ".shape",
          java.util.Arrays.toString(shape) + " (expected: [N] or [N, 1], one id per row)");
    }
    DataType datatype = tensor.datatype();
    List<String> ids = new ArrayList<>();
    if (datatype == DataType.BYTES) {
      for (String value : tensor.strings()) {
        ids.add(canonical(value, type));
      }
    } else if (datatype.isIntegral() && type == EntityType.INTEGER) {
      for (long value : tensor.toLongArray()) {
        ids.add(Long.toString(value));
      }
    } else {
      throw new InvalidInputException(
          field() + ".datatype",
          "'"
              + datatype.wireName()
              + "' (expected: "
              + (type == EntityType.INTEGER ? "an integer type such as INT64, or BYTES" : "BYTES")
              + " for "
              + type.name().toLowerCase(java.util.Locale.ROOT)
              + " entity ids)");
    }
    return ids;
  }

  private String fromParameter(Object value, EntityType type) {
    return switch (value) {
      case null ->
          throw new InvalidInputException(
              field(), "missing (expected: the entity id in this request parameter)");
      case String text -> canonical(text, type);
      case Long number when type == EntityType.INTEGER -> Long.toString(number);
      default ->
          throw new InvalidInputException(
              field(),
              value
                  + " (expected: "
                  + (type == EntityType.INTEGER ? "an integer or its text" : "a string")
                  + " entity id)");
    };
  }

  private String canonical(String value, EntityType type) {
    if (type == EntityType.STRING) {
      if (value.isEmpty()) {
        throw new InvalidInputException(field(), "'' (expected: a non-empty entity id)");
      }
      return value;
    }
    try {
      return Long.toString(Long.parseLong(value.strip()));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          field(), "'" + abbreviate(value) + "' (expected: an integer entity id, such as 42)");
    }
  }

  private static String abbreviate(String value) {
    return value.length() <= 64 ? value : value.substring(0, 61) + "...";
  }
}
