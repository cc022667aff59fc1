package io.mlsys.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.spi.AlphaDecorator.Alpha;
import io.mlsys.core.spi.BetaDecorator.Beta;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelDecoratorsTest {
  /** Answers with the call's {@link VisitingDecorator#VISITED} attribute as a parameter. */
  private static final class EchoVisits implements Model {
    boolean closed;

    @Override
    public InferResponse infer(InferRequest request, CallContext context) {
      String visited = context.attribute(VisitingDecorator.VISITED).orElse("");
      return new InferResponse("m", "2", request.id(), List.of(), Map.of("visited", visited));
    }

    @Override
    public ModelMetadata metadata() {
      return new ModelMetadata("m", "2", "test", List.of(), List.of(), Map.of(), Map.of());
    }

    @Override
    public boolean isReady() {
      return !closed;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Options no installed decorator takes. */
  private record Unknown() implements DecoratorOptions {}

  private final Clock clock = Clock.systemUTC();
  private final DecoratorContext context =
      new DecoratorContext("m", "2", clock, new SimpleMeterRegistry(), SharedResources.create());
  private final List<String> log = new ArrayList<>();

  private static Object visited(Model model) {
    return model
        .infer(InferRequest.of(), CallContext.of(Clock.systemUTC()))
        .parameters()
        .get("visited");
  }

  @Test
  void theServiceLoaderFindsTheRegisteredKinds() {
    ModelDecorators installed = ModelDecorators.installed();

    assertThat(installed.kinds())
        .containsExactly(Map.entry("alpha", Alpha.class), Map.entry("beta", Beta.class));
    assertThat(installed.decorator("beta")).isInstanceOf(BetaDecorator.class);
    assertThat(installed.kindOf(new Alpha(log))).isEqualTo("alpha");
  }

  @Test
  void anUnknownKindNamesTheInstalledOnes() {
    assertThatThrownBy(() -> ModelDecorators.installed().decorator("cache"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("decorator kind 'cache': not installed (installed: alpha, beta)");
  }

  @Test
  void optionsOfNoInstalledKindFailAndCloseTheModel() {
    EchoVisits model = new EchoVisits();

    assertThatThrownBy(
            () -> ModelDecorators.installed().decorate(model, List.of(new Unknown()), context))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no installed decorator takes them (installed: alpha, beta)");
    assertThat(model.closed).isTrue();
  }

  @Test
  void theChainIsWrittenOutermostFirst() {
    Model decorated =
        ModelDecorators.installed()
            .decorate(new EchoVisits(), List.of(new Alpha(log), new Beta(log)), context);

    assertThat(visited(decorated)).isEqualTo("alpha>beta");
    // Built from the inside out: the last entry wraps the model first.
    assertThat(log).containsExactly("beta m:2", "alpha m:2");
  }

  @Test
  void theOtherOrderIsTheOtherChain() {
    Model decorated =
        ModelDecorators.installed()
            .decorate(new EchoVisits(), List.of(new Beta(log), new Alpha(log)), context);

    assertThat(visited(decorated)).isEqualTo("beta>alpha");
  }

  @Test
  void anEmptyChainIsTheModelItself() {
    EchoVisits model = new EchoVisits();

    assertThat(ModelDecorators.installed().decorate(model, List.of(), context)).isSameAs(model);
  }

  @Test
  void closingTheChainClosesTheModel() {
    EchoVisits model = new EchoVisits();
    Model decorated =
        ModelDecorators.installed()
            .decorate(model, List.of(new Alpha(log), new Beta(log)), context);

    decorated.close();

    assertThat(model.closed).isTrue();
    assertThat(decorated.isReady()).isFalse();
  }

  @Test
  void aFailingDecoratorClosesWhatWasAlreadyBuilt() {
    ModelDecorator<Unknown> failing =
        new ModelDecorator<>() {
          @Override
          public String kind() {
            return "failing";
          }

          @Override
          public Class<Unknown> optionsType() {
            return Unknown.class;
          }

          @Override
          public Model decorate(Model model, Unknown options, DecoratorContext context) {
            throw new ModelLoadException("m", "failing: does not fit", null);
          }
        };
    EchoVisits model = new EchoVisits();
    ModelDecorators decorators = ModelDecorators.of(List.of(new AlphaDecorator(), failing));

    assertThatThrownBy(
            () -> decorators.decorate(model, List.of(new Unknown(), new Alpha(log)), context))
        .isInstanceOf(ModelLoadException.class);
    assertThat(log).containsExactly("alpha m:2");
    assertThat(model.closed).isTrue();
  }

  @Test
  void twoDecoratorsOfOneKindAreRefused() {
    assertThatThrownBy(
            () -> ModelDecorators.of(List.of(new AlphaDecorator(), new AlphaDecorator())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("decorator kind 'alpha': two decorators installed");
  }

  @Test
  void twoKindsOfOneOptionsTypeAreRefused() {
    ModelDecorator<Alpha> impostor =
        new VisitingDecorator<>() {
          @Override
          public String kind() {
            return "impostor";
          }

          @Override
          public Class<Alpha> optionsType() {
            return Alpha.class;
          }
        };

    assertThatThrownBy(() -> ModelDecorators.of(List.of(new AlphaDecorator(), impostor)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("claimed by two kinds (alpha, impostor");
  }
}
