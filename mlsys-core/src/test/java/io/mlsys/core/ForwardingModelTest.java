package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwardingModelTest {
  /** A model that records what was asked of it; core's tests cannot use mlsys-testing's stub. */
  private static final class RecordingModel implements Model {
    final List<String> calls = new ArrayList<>();
    final ModelMetadata metadata =
        new ModelMetadata("iris", "3", "test", List.of(), List.of(), Map.of(), Map.of());
    boolean ready = true;

    @Override
    public InferResponse infer(InferRequest request, CallContext context) {
      calls.add("infer " + request.id() + " " + context.traceId());
      return new InferResponse("iris", "3", request.id(), List.of(), Map.of("inner", "yes"));
    }

    @Override
    public ModelMetadata metadata() {
      calls.add("metadata");
      return metadata;
    }

    @Override
    public boolean isReady() {
      calls.add("isReady");
      return ready;
    }

    @Override
    public void close() {
      calls.add("close");
      ready = false;
    }
  }

  /** Overrides nothing. */
  private static final class Plain extends ForwardingModel {
    Plain(Model delegate) {
      super(delegate);
    }
  }

  private final RecordingModel model = new RecordingModel();
  private final CallContext context = CallContext.of(Clock.systemUTC());

  @Test
  void everyMethodPassesThrough() {
    ForwardingModel forwarding = new Plain(model);
    InferRequest request = new InferRequest("req-1", List.of(), List.of(), Map.of());

    InferResponse response = forwarding.infer(request, context);

    assertThat(response.parameters()).containsEntry("inner", "yes");
    assertThat(forwarding.metadata()).isSameAs(model.metadata);
    assertThat(forwarding.isReady()).isTrue();
    forwarding.close();
    assertThat(forwarding.isReady()).isFalse();
    assertThat(model.calls)
        .containsExactly("infer req-1 local", "metadata", "isReady", "close", "isReady");
  }

  @Test
  void aDecoratorOverridesOnlyWhatItChanges() {
    ForwardingModel counting =
        new ForwardingModel(model) {
          @Override
          public InferResponse infer(InferRequest request, CallContext context) {
            InferResponse inner = delegate().infer(request, context);
            Map<String, Object> parameters = new java.util.HashMap<>(inner.parameters());
            parameters.put("outer", "yes");
            return new InferResponse(
                inner.modelName(), inner.modelVersion(), inner.id(), inner.outputs(), parameters);
          }
        };

    InferResponse response =
        counting.infer(new InferRequest("req-2", List.of(), List.of(), Map.of()), context);

    assertThat(response.parameters()).containsEntry("inner", "yes").containsEntry("outer", "yes");
    assertThat(counting.metadata().version()).isEqualTo("3");
  }
}
