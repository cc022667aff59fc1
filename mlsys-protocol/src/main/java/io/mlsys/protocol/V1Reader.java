package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a KServe V1 {@code {"instances": [...]}} body into an OIP request for one model, using the
 * model's input signature to type and shape the rows. One instance per body; not thread-safe.
 */
final class V1Reader {
  private static final int DEFAULT_INITIAL_CAPACITY = 16;

  private final ModelMetadata metadata;
  private final InputRows[] rows;
  private final String inputNames;

  private V1Reader(ModelMetadata metadata) {
    this.metadata = metadata;
    List<TensorSpec> inputs = metadata.inputs();
    this.rows = new InputRows[inputs.size()];
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new InputRows(inputs.get(i));
      names.append(i == 0 ? "" : ", ").append(inputs.get(i).name());
    }
    this.inputNames = names.toString();
  }

  static InferRequest read(JsonFactory factory, byte[] body, ModelMetadata metadata) {
    if (metadata.inputs().isEmpty()) {
      throw new InvalidInputException(
          "instances",
          "model '"
              + metadata.name()
              + "' declares no inputs (expected: a model with an input signature)");
    }
    V1Reader reader = new V1Reader(metadata);
    return Json.parseObject(factory, body, reader::members);
  }

  private InferRequest members(JsonParser p) throws IOException {
    String field = null;
    int instances = -1;
    while (Json.next(p) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      Json.next(p);
      if (!key.equals("instances") && !key.equals("inputs")) {
        throw Json.unknownKey(Json.key(key), "instances, inputs");
      }
      if (field != null) {
        throw new InvalidInputException(
            key,
            field.equals(key)
                ? "duplicate key (expected: each key once)"
                : "given together with " + field + " (expected: one of instances or inputs)");
      }
      field = key;
      instances = readInstances(p, field);
    }
    if (field == null) {
      throw new InvalidInputException(
          "instances", "missing (expected: {\"instances\": [...]} with one entry per row)");
    }
    List<Tensor> tensors = new ArrayList<>(rows.length);
    for (InputRows input : rows) {
      tensors.add(input.build(instances, field));
    }
    // A V1 answer holds only the primary output; asking for just that one saves the model work.
    List<RequestedOutput> outputs =
        metadata.outputs().isEmpty()
            ? List.of()
            : List.of(RequestedOutput.named(metadata.outputs().get(0).name()));
    return new InferRequest(null, tensors, outputs, Map.of());
  }

  private int readInstances(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      String columnar =
          p.currentToken() == JsonToken.START_OBJECT
              ? "; the columnar format is not supported"
              : "";
      throw new InvalidInputException(
          field,
          Json.describe(p) + " (expected: an array with one entry per instance" + columnar + ")");
    }
    int count = 0;
    JsonToken token;
    while ((token = Json.next(p)) != JsonToken.END_ARRAY) {
      String path = field + "[" + count + "]";
      if (token == JsonToken.START_OBJECT) {
        readNamed(p, path);
      } else if (rows.length == 1) {
        rows[0].readInstance(p, path);
      } else {
        throw new InvalidInputException(
            path,
            Json.describe(p)
                + " (expected: an object with a value for each input: "
                + inputNames
                + ")");
      }
      count++;
    }
    if (count == 0) {
      throw new InvalidInputException(field, "empty (expected: at least one instance)");
    }
    return count;
  }

  /** An instance as {@code {"input_name": value, ...}}; every input must be given once. */
  private void readNamed(JsonParser p, String path) throws IOException {
    boolean[] given = new boolean[rows.length];
    while (Json.next(p) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      Json.next(p);
      int index = indexOf(name);
      String inputPath = path + "." + Json.key(name);
      if (index < 0) {
        throw new InvalidInputException(
            inputPath, "unknown input (expected: one of " + inputNames + ")");
      }
      if (given[index]) {
        throw Json.duplicateKey(inputPath);
      }
      given[index] = true;
      rows[index].readInstance(p, inputPath);
    }
    for (int i = 0; i < rows.length; i++) {
      if (!given[i]) {
        throw new InvalidInputException(
            path + "." + rows[i].spec.name(),
            "missing (expected: a value for every input: " + inputNames + ")");
      }
    }
  }

  private int indexOf(String name) {
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].spec.name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The rows of one input: each instance is one row, nested like the spec's non-batch dims. */
  private static final class InputRows {
    private final TensorSpec spec;
    private final boolean batched;
    private final long[] dims;
    private final String[] definedAt;
    private final DataBuffer buffer;
    private final int[] index;
    private String prefix;

    InputRows(TensorSpec spec) {
      this.spec = spec;
      List<Long> shape = spec.shape();
      this.batched = !shape.isEmpty();
      int rank = batched ? shape.size() - 1 : 0;
      this.dims = new long[rank];
      this.definedAt = new String[rank];
      long perRow = 1;
      for (int d = 0; d < rank; d++) {
        dims[d] = shape.get(d + 1) < 0 ? -1 : shape.get(d + 1);
        perRow = dims[d] < 0 || perRow < 0 ? -1 : perRow * dims[d];
      }
      int initial =
          perRow < 0 || perRow > DEFAULT_INITIAL_CAPACITY * 64
              ? DEFAULT_INITIAL_CAPACITY
              : (int) Math.max(perRow, 1);
      this.buffer = new DataBuffer(spec.datatype(), initial);
      this.index = new int[rank];
    }

    /** Reads one instance's value for this input; the parser sits on its first token. */
    void readInstance(JsonParser p, String path) throws IOException {
      prefix = path;
      level(p, 0);
    }

    private void level(JsonParser p, int depth) throws IOException {
      if (depth == dims.length) {
        if (p.currentToken() == JsonToken.START_ARRAY && depth > 0) {
          throw new InvalidInputException(
              path(depth),
              "an array (expected: a single value; nested deeper than " + shapeText() + ")");
        }
        try {
          buffer.read(p);
        } catch (DataBuffer.BadElement e) {
          throw new InvalidInputException(path(depth), e.problem());
        }
        return;
      }
      if (p.currentToken() != JsonToken.START_ARRAY) {
        String count = dims[depth] < 0 ? "" : dims[depth] + " ";
        throw new InvalidInputException(
            path(depth),
            Json.describe(p) + " (expected: an array of " + count + "values " + shapeText() + ")");
      }
      int n = 0;
      while (Json.next(p) != JsonToken.END_ARRAY) {
        index[depth] = n;
        level(p, depth + 1);
        n++;
      }
      if (dims[depth] < 0) {
        dims[depth] = n;
        definedAt[depth] = path(depth);
      } else if (n != dims[depth]) {
        String expected = definedAt[depth] != null ? "like " + definedAt[depth] : shapeText();
        throw new InvalidInputException(
            path(depth), n + " values (expected: " + dims[depth] + " " + expected + ")");
      }
    }

    private String shapeText() {
      return "for input '" + spec.name() + "' with shape " + spec.shape();
    }

    private String path(int depth) {
      StringBuilder path = new StringBuilder(prefix);
      for (int i = 0; i < depth; i++) {
        path.append('[').append(index[i]).append(']');
      }
      return path.toString();
    }

    Tensor build(int instances, String field) {
      long[] shape;
      if (batched) {
        long batch = spec.shape().get(0);
        if (batch >= 0 && batch != instances) {
          throw new InvalidInputException(
              field,
              instances
                  + " instances (expected: "
                  + batch
                  + ", the fixed batch size of input '"
                  + spec.name()
                  + "' with shape "
                  + spec.shape()
                  + ")");
        }
        shape = new long[dims.length + 1];
        shape[0] = instances;
        System.arraycopy(dims, 0, shape, 1, dims.length);
      } else {
        if (instances != 1) {
          throw new InvalidInputException(
              field,
              instances
                  + " instances (expected: 1, as input '"
                  + spec.name()
                  + "' has shape [] with no batch dimension)");
        }
        shape = new long[0];
      }
      return new Tensor(spec.name(), spec.datatype(), shape, buffer.build());
    }
  }
}
