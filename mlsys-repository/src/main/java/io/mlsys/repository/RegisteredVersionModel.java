package io.mlsys.repository;

import io.mlsys.core.CallContext;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Parameters;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorRows;
import io.mlsys.core.TensorSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model version served from the registry: its metadata carries its compact lineage, and every
 * answer names the registry version in its parameters, so that a logged answer says which model
 * gave it.
 */
final class RegisteredVersionModel extends ForwardingModel {
  /** The response parameter that names the registry version. */
  static final String VERSION_PARAMETER = "registry_version";

  /** Warm-up requests bigger than this (elements over all inputs) are not built. */
  static final long MAX_WARMUP_ELEMENTS = 1 << 20;

  private final String registryVersion;
  private final ModelMetadata metadata;

  RegisteredVersionModel(Model delegate, RegistryResolver.ResolvedVersion resolved) {
    super(delegate);
    this.registryVersion = resolved.version();
    ModelMetadata inner = delegate.metadata();
    Map<String, String> properties = new LinkedHashMap<>(inner.properties());
    properties.putAll(resolved.properties());
    this.metadata =
        new ModelMetadata(
            inner.name(),
            inner.version(),
            inner.platform(),
            inner.inputs(),
            inner.outputs(),
            inner.labels(),
            properties);
  }

  @Override
  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    InferResponse response = delegate().infer(request, context);
    return new InferResponse(
        response.modelName(),
        response.modelVersion(),
        response.id(),
        response.outputs(),
        Parameters.withAdded(response.parameters(), VERSION_PARAMETER, registryVersion));
  }

  /**
   * Answers {@code count} requests of zeros built from the model's input signature (dynamic
   * dimensions as 1), so that the first real request after a swap does not pay for lazy
   * initialisation.
   *
   * @throws ModelLoadException when the model fails one of them
   */
  static void warmUp(Model model, int count, Clock clock) {
    if (count <= 0) {
      return;
    }
    ModelMetadata metadata = model.metadata();
    List<Tensor> inputs = new ArrayList<>();
    long elements = 0;
    for (TensorSpec spec : metadata.inputs()) {
      long[] shape = spec.shape().stream().mapToLong(d -> d < 0 ? 1 : d).toArray();
      long size = Tensor.elementCount(shape);
      elements += size;
      if (elements > MAX_WARMUP_ELEMENTS) {
        return; // too big to build blindly; the first requests warm it instead
      }
      TensorData data = TensorRows.allocate(spec.datatype().storage(), (int) size);
      if (data instanceof TensorData.ByteStrings strings) {
        java.util.Arrays.fill(strings.values(), new byte[0]);
      }
      inputs.add(new Tensor(spec.name(), spec.datatype(), shape, data));
    }
    InferRequest request = InferRequest.of(inputs.toArray(Tensor[]::new));
    for (int i = 0; i < count; i++) {
      try {
        model.infer(request, CallContext.of(clock));
      } catch (RuntimeException e) {
        throw new ModelLoadException(
            metadata.name(), "warm-up request " + (i + 1) + " of " + count + " failed: " + e, e);
      }
    }
  }

  /** Passes the context on without reading the graph path. */
  @Override
  public boolean readsGraphPath() {
    return delegate().readsGraphPath();
  }
}
