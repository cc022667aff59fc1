package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;

/**
 * The KServe V1 JSON codec ({@code POST /v1/models/{m}:predict}) for simple clients. Thread-safe:
 * build one per server and share it.
 *
 * <p>Request {@code {"instances": [...]}} (or {@code {"inputs": [...]}}, KServe's alias). For a
 * model with one input each instance is one row of it, a value or arrays nested like the input's
 * non-batch dimensions (for {@code [-1, 4]}: {@code [5.1, 3.5, 1.4, 0.2]}); N instances make a
 * tensor of shape {@code [N, ...]} with the input's datatype. Dynamic non-batch dimensions are
 * taken from the first instance and every instance must agree. For a model with several inputs each
 * instance is an object with a value for every input, {@code {"a": ..., "b": ...}} (a single-input
 * model accepts that form too). The request asks only for the model's first output, the one the
 * answer uses.
 *
 * <p>Response {@code {"predictions": [...]}}, one entry per row of the primary output: the first
 * output of the model's signature present in the response. A rank-1 or {@code [N, 1]} output gives
 * scalars, a wider one gives each row as (nested) arrays. Integer and BYTES values are mapped
 * through the model's labels ({@code 0 -> "setosa"}) when the labels have an entry for them. BYTES
 * values that are not valid UTF-8 are written as base64 strings.
 */
public final class KServeV1Json {
  private final JsonFactory factory;

  public KServeV1Json() {
    this.factory = Json.newFactory();
  }

  public static KServeV1Json create() {
    return new KServeV1Json();
  }

  /**
   * Parses a predict body into a request for the model described by {@code metadata}.
   *
   * @throws InvalidInputException naming the offending instance, e.g. {@code instances[2]}
   */
  public InferRequest readPredictRequest(byte[] body, ModelMetadata metadata) {
    return V1Reader.read(factory, body, metadata);
  }

  /**
   * Writes the predictions of a response.
   *
   * @throws io.mlsys.core.ModelExecutionException when the response has no outputs at all
   */
  public byte[] writePredictResponse(InferResponse response, ModelMetadata metadata) {
    return Json.write(factory, g -> V1Writer.write(g, response, metadata));
  }
}
