package io.mlsys.transform;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigFamily;
import io.mlsys.transform.spi.TransformProvider;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;

/**
 * Transform steps as config knows them: a component of type {@link TransformConfig} (an item of a
 * {@code transform:} list) holds one step, written {@code {softmax: {tensor: logits}}}. The kinds
 * are the built-in steps, then every custom transform installed through {@link TransformProvider}
 * under its own name ({@code {clip: {max: 6}}}, a {@link TransformConfig.Plugin}), so a transform
 * added in any module is known to config without config knowing that module. A provider named like
 * a built-in kind is reached only through {@code custom: {name, options}}.
 */
public final class TransformFamily implements ConfigFamily<TransformConfig> {
  private final Map<String, Class<? extends TransformConfig>> kinds = kinds(providers());

  @Override
  public Class<TransformConfig> type() {
    return TransformConfig.class;
  }

  @Override
  public Map<String, Class<? extends TransformConfig>> kinds() {
    return kinds;
  }

  @Override
  public String description() {
    return "a transform step";
  }

  @Override
  public String placeholder() {
    return "<transform>";
  }

  /**
   * The installed providers; none when they cannot be loaded (compiling a pipeline reports why, at
   * the step that names one).
   */
  private static List<TransformProvider> providers() {
    try {
      return StepCompiler.installedProviders();
    } catch (ServiceConfigurationError e) {
      return List.of();
    }
  }

  /** The built-in kinds, in the order of their records, then each provider's name. */
  static Map<String, Class<? extends TransformConfig>> kinds(
      Iterable<TransformProvider> providers) {
    Map<String, Class<? extends TransformConfig>> kinds = new LinkedHashMap<>();
    for (Class<?> kind : TransformConfig.class.getPermittedSubclasses()) {
      if (kind != TransformConfig.Plugin.class) {
        kinds.put(ConfigBinder.kindOf(kind), kind.asSubclass(TransformConfig.class));
      }
    }
    for (TransformProvider provider : providers) {
      kinds.putIfAbsent(provider.name(), TransformConfig.Plugin.class);
    }
    return Collections.unmodifiableMap(kinds);
  }
}
