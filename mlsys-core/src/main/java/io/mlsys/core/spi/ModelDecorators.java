package io.mlsys.core.spi;

import io.mlsys.core.Model;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The installed {@link ModelDecorator} kinds, by name and by options type, and the one place a list
 * of decorator options becomes a chain of decorators around a model.
 */
public final class ModelDecorators {
  private final Map<String, ModelDecorator<?>> byKind;
  private final Map<Class<?>, ModelDecorator<?>> byOptions;

  private ModelDecorators(Map<String, ModelDecorator<?>> byKind) {
    this.byKind = Collections.unmodifiableMap(byKind);
    Map<Class<?>, ModelDecorator<?>> options = new LinkedHashMap<>();
    for (ModelDecorator<?> decorator : byKind.values()) {
      ModelDecorator<?> other = options.putIfAbsent(decorator.optionsType(), decorator);
      if (other != null) {
        throw new IllegalStateException(
            "decorator options "
                + decorator.optionsType().getName()
                + ": claimed by two kinds ("
                + other.kind()
                + ", "
                + decorator.kind()
                + "; expected: one options type per kind)");
      }
    }
    this.byOptions = options;
  }

  /**
   * The decorators on the thread's context class loader, found through {@link ServiceLoader}
   * ({@code META-INF/services/io.mlsys.core.spi.ModelDecorator}): {@code batching} when {@code
   * mlsys-resilience} is on the classpath.
   *
   * @throws IllegalStateException when two installed decorators claim one kind or options type
   */
  public static ModelDecorators installed() {
    List<ModelDecorator<?>> found = new ArrayList<>();
    for (ModelDecorator<?> decorator : ServiceLoader.load(ModelDecorator.class)) {
      found.add(decorator);
    }
    return of(found);
  }

  /**
   * These decorators.
   *
   * @throws IllegalStateException when two of them claim one kind or options type
   */
  public static ModelDecorators of(List<? extends ModelDecorator<?>> decorators) {
    Map<String, ModelDecorator<?>> byKind = new TreeMap<>();
    for (ModelDecorator<?> decorator : decorators) {
      Objects.requireNonNull(decorator.kind(), "kind");
      Objects.requireNonNull(decorator.optionsType(), "optionsType");
      ModelDecorator<?> other = byKind.putIfAbsent(decorator.kind(), decorator);
      if (other != null) {
        throw new IllegalStateException(
            "decorator kind '"
                + decorator.kind()
                + "': two decorators installed ("
                + other.getClass().getName()
                + ", "
                + decorator.getClass().getName()
                + "; expected: one decorator per kind)");
      }
    }
    return new ModelDecorators(byKind);
  }

  /** The installed kinds, sorted by name: kind to options type. */
  public Map<String, Class<? extends DecoratorOptions>> kinds() {
    Map<String, Class<? extends DecoratorOptions>> kinds = new LinkedHashMap<>();
    byKind.forEach((kind, decorator) -> kinds.put(kind, decorator.optionsType()));
    return Collections.unmodifiableMap(kinds);
  }

  /**
   * The decorator of a kind.
   *
   * @throws IllegalArgumentException naming the installed kinds when none is {@code kind}
   */
  public ModelDecorator<?> decorator(String kind) {
    ModelDecorator<?> decorator = byKind.get(kind);
    if (decorator == null) {
      throw new IllegalArgumentException(
          "decorator kind '" + kind + "': not installed (installed: " + installedKinds() + ")");
    }
    return decorator;
  }

  /**
   * The kind whose options these are.
   *
   * @throws IllegalArgumentException naming the installed kinds when no installed decorator takes
   *     options of this type
   */
  public String kindOf(DecoratorOptions options) {
    return decoratorOf(options).kind();
  }

  /**
   * {@code model} inside the decorators {@code chain} lists, outermost first: the last entry wraps
   * the model, the first wraps all the others and is what callers call. An empty chain returns the
   * model itself (no indirection on the call path).
   *
   * <p>Every options entry is resolved to its kind before anything is built. When a decorator
   * fails, the model is closed, together with the decorators already built around it, and the
   * exception is thrown: the caller owns nothing.
   *
   * @throws IllegalArgumentException naming the installed kinds when an entry's kind is not
   *     installed (the model is closed)
   */
  public Model decorate(
      Model model, List<? extends DecoratorOptions> chain, DecoratorContext context) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(context, "context");
    Model decorated = model;
    try {
      List<ModelDecorator<?>> decorators = chain.stream().map(this::decoratorOf).toList();
      for (int i = chain.size() - 1; i >= 0; i--) {
        decorated = apply(decorators.get(i), decorated, chain.get(i), context);
      }
      return decorated;
    } catch (RuntimeException | Error e) {
      try {
        decorated.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  private static <O extends DecoratorOptions> Model apply(
      ModelDecorator<O> decorator,
      Model model,
      DecoratorOptions options,
      DecoratorContext context) {
    Model decorated = decorator.decorate(model, decorator.optionsType().cast(options), context);
    if (decorated == null) {
      throw new IllegalStateException(
          "decorator kind '" + decorator.kind() + "': decorate returned null");
    }
    return decorated;
  }

  private ModelDecorator<?> decoratorOf(DecoratorOptions options) {
    Objects.requireNonNull(options, "options");
    ModelDecorator<?> decorator = byOptions.get(options.getClass());
    if (decorator == null) {
      throw new IllegalArgumentException(
          "decorator options "
              + options.getClass().getName()
              + ": no installed decorator takes them (installed: "
              + installedKinds()
              + ")");
    }
    return decorator;
  }

  private String installedKinds() {
    return byKind.isEmpty() ? "none" : String.join(", ", byKind.keySet());
  }

  @Override
  public String toString() {
    return "ModelDecorators" + byKind.keySet();
  }
}
