package io.mlsys.client;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import java.util.Objects;

/**
 * A model on another OIP server, served here as a local {@link Predictor} (the graph's {@code
 * remote} node). Each call goes through the shared {@link OipClient}, with its deadline, trace id,
 * retries and error mapping; the answer is the remote's, with the model name and version the remote
 * gave.
 */
public final class RemoteModel implements Predictor {
  private final OipClient client;
  private final String model;
  private final String version;

  private RemoteModel(OipClient client, String model, String version) {
    this.client = Objects.requireNonNull(client, "client");
    this.model = Objects.requireNonNull(model, "model");
    if (model.isEmpty()) {
      throw new IllegalArgumentException("model: '' (expected: a model name)");
    }
    if (version != null && version.isEmpty()) {
      throw new IllegalArgumentException("version: '' (expected: a version, or null for any)");
    }
    this.version = version;
  }

  /**
   * @param model the model's name on the remote server
   * @param version the remote version to call; null for the remote's default
   */
  public static RemoteModel of(OipClient client, String model, String version) {
    return new RemoteModel(client, model, version);
  }

  /** The remote server knows nothing of this graph. */
  @Override
  public boolean readsGraphPath() {
    return false;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    return client.infer(model, version, request, context);
  }

  /** The remote model's metadata, as {@link OipClient#metadata} gives it. */
  public ModelMetadata metadata(CallContext context) {
    return client.metadata(model, version, context);
  }

  /** Whether the remote says this model (version) is ready; false when it cannot be reached. */
  public boolean isReady(CallContext context) {
    return client.isModelReady(model, version, context);
  }

  public OipClient client() {
    return client;
  }

  public String model() {
    return model;
  }

  /** The remote version called, or null for the remote's default. */
  public String version() {
    return version;
  }

  @Override
  public String toString() {
    return "RemoteModel["
        + client.baseUrl()
        + " "
        + model
        + (version == null ? "" : " version " + version)
        + "]";
  }
}
