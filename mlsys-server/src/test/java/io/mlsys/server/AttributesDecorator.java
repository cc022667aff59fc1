package io.mlsys.server;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.core.spi.ModelDecorator;

/**
 * A test decorator (kind {@value #KIND}, installed like {@link TagDecorator}) that answers with the
 * call attributes the transports set, as the parameters {@code request-id} and {@code caller}
 * ({@code -} when absent), and the version it decorates as {@code decorated-version}.
 */
public final class AttributesDecorator
    implements ModelDecorator<AttributesDecorator.AttributesOptions> {
  static final String KIND = "test-attributes";

  /** No options. */
  public record AttributesOptions() implements DecoratorOptions {}

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<AttributesOptions> optionsType() {
    return AttributesOptions.class;
  }

  @Override
  public Model decorate(Model model, AttributesOptions options, DecoratorContext context) {
    String version = String.valueOf(context.modelVersion());
    return new ForwardingModel(model) {
      @Override
      public InferResponse infer(InferRequest request, CallContext call) {
        InferResponse answer = delegate().infer(request, call);
        answer =
            TagDecorator.withParameter(
                answer, "request-id", call.attribute(CallAttribute.REQUEST_ID).orElse("-"));
        answer =
            TagDecorator.withParameter(
                answer, "caller", call.attribute(CallAttribute.CALLER).orElse("-"));
        return TagDecorator.withParameter(answer, "decorated-version", version);
      }
    };
  }
}
