package io.mlsys.core.spi;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import java.util.List;

/**
 * A test decorator that records its order: when it is built, its kind goes to the options' log;
 * when it is called, its kind is appended to the call's {@link #VISITED} attribute.
 */
public abstract class VisitingDecorator<O extends VisitingDecorator.Logged>
    implements ModelDecorator<O> {
  /** The kinds a call went through, outermost first, joined by {@code >}. */
  public static final CallAttribute<String> VISITED = CallAttribute.of("visited", String.class);

  /** Options that carry the test's log of decorate calls. */
  public interface Logged extends DecoratorOptions {
    List<String> log();
  }

  @Override
  public Model decorate(Model model, O options, DecoratorContext context) {
    options.log().add(kind() + " " + context.modelName() + ":" + context.modelVersion());
    String kind = kind();
    return new ForwardingModel(model) {
      @Override
      public InferResponse infer(InferRequest request, CallContext call) {
        String before = call.attribute(VISITED).map(path -> path + ">").orElse("");
        return delegate().infer(request, call.with(VISITED, before + kind));
      }
    };
  }
}
