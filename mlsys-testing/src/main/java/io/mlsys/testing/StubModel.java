package io.mlsys.testing;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** A model whose answer is a function the test supplies; counts calls. */
public final class StubModel implements Model {
  private final ModelMetadata metadata;
  private final BiFunction<InferRequest, CallContext, InferResponse> answer;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile boolean closed;

  public StubModel(
      ModelMetadata metadata, BiFunction<InferRequest, CallContext, InferResponse> answer) {
    this.metadata = metadata;
    this.answer = answer;
  }

  /** A model that echoes its inputs back as outputs. */
  public static StubModel echo(ModelMetadata metadata) {
    return new StubModel(
        metadata,
        (request, context) ->
            new InferResponse(
                metadata.name(),
                metadata.version(),
                request.id(),
                request.inputs(),
                java.util.Map.of()));
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    calls.incrementAndGet();
    return answer.apply(request, context);
  }

  @Override
  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public boolean isReady() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
  }

  public int calls() {
    return calls.get();
  }

  public boolean isClosed() {
    return closed;
  }
}
