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
import java.util.HashMap;
import java.util.Map;

/**
 * A test decorator, installed for the server's tests through {@code
 * src/test/resources/META-INF/services/io.mlsys.core.spi.ModelDecorator}: kind {@value #KIND}. It
 * appends its name to the call's {@link #VISITED} attribute before calling inward, and adds the
 * parameter {@code tag-<name>} (the path as it passed it on) to the answer, keeping the inner
 * parameters: the answer shows the order the call went through the chain.
 */
public final class TagDecorator implements ModelDecorator<TagDecorator.TagOptions> {
  static final String KIND = "test-tag";

  /** The decorators a call went through, outermost first, joined by {@code >}. */
  static final CallAttribute<String> VISITED = CallAttribute.of("visited", String.class);

  /**
   * @param name names this decorator in the chain
   */
  public record TagOptions(String name) implements DecoratorOptions {}

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<TagOptions> optionsType() {
    return TagOptions.class;
  }

  @Override
  public Model decorate(Model model, TagOptions options, DecoratorContext context) {
    return new ForwardingModel(model) {
      @Override
      public InferResponse infer(InferRequest request, CallContext call) {
        String visited =
            call.attribute(VISITED).map(path -> path + ">").orElse("") + options.name();
        InferResponse inner = delegate().infer(request, call.with(VISITED, visited));
        return withParameter(inner, "tag-" + options.name(), visited);
      }
    };
  }

  /** The answer with one more parameter, every inner one kept. */
  static InferResponse withParameter(InferResponse inner, String key, Object value) {
    Map<String, Object> parameters = new HashMap<>(inner.parameters());
    parameters.put(key, value);
    return new InferResponse(
        inner.modelName(), inner.modelVersion(), inner.id(), inner.outputs(), parameters);
  }
}
