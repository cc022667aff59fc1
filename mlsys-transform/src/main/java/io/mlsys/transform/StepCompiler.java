package io.mlsys.transform;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.config.LabelsFile;
import io.mlsys.core.DataType;
import io.mlsys.transform.spi.Transform;
import io.mlsys.transform.spi.TransformProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Checks each step's options and builds its {@link Transform}, collecting every problem with its
 * path in the list ({@code [2].custom.name}) before failing.
 */
final class StepCompiler {
  private final Supplier<List<TransformProvider>> providerSource;
  private final List<ConfigViolation> violations = new ArrayList<>();
  private final Map<Path, List<String>> labelsByPath = new HashMap<>();
  private List<TransformProvider> providers;

  private StepCompiler(Supplier<List<TransformProvider>> providerSource) {
    this.providerSource = providerSource;
  }

  static TransformPipeline compile(
      List<TransformConfig> steps, Supplier<List<TransformProvider>> providers) {
    return new StepCompiler(providers).compile(steps);
  }

  /** The providers on the thread's context class loader. */
  static List<TransformProvider> installedProviders() {
    List<TransformProvider> found = new ArrayList<>();
    ServiceLoader.load(TransformProvider.class).forEach(found::add);
    return List.copyOf(found);
  }

  private TransformPipeline compile(List<TransformConfig> steps) {
    List<Transform> transforms = new ArrayList<>(steps.size());
    List<String> paths = new ArrayList<>(steps.size());
    List<String> kinds = new ArrayList<>(steps.size());
    for (int i = 0; i < steps.size(); i++) {
      TransformConfig config = steps.get(i);
      String path = "[" + i + "]." + kind(config);
      transforms.add(step(config, new StepPath(path)));
      paths.add(path);
      kinds.add(
          switch (config) {
            case TransformConfig.Custom custom -> kind(config) + " " + custom.name();
            case TransformConfig.Plugin plugin -> "custom " + plugin.name();
            default -> kind(config);
          });
    }
    if (!violations.isEmpty()) {
      throw new ConfigException(null, violations);
    }
    List<Boolean> inlineOptions =
        steps.stream().map(step -> step instanceof TransformConfig.Plugin).toList();
    return new CompiledPipeline(transforms, paths, kinds, inlineOptions);
  }

  /** The step's key in YAML: its record's kind, or a plug-in's name. */
  static String kind(TransformConfig config) {
    return config instanceof TransformConfig.Plugin plugin
        ? plugin.name()
        : ConfigBinder.kindOf(config.getClass());
  }

  /**
   * The step, or null when it cannot be built (the violations say why). The records have checked
   * their own fields; what is left is what needs files, providers or several fields together.
   */
  private Transform step(TransformConfig config, StepPath step) {
    String at = step.path();
    int before = violations.size();
    Transform transform =
        switch (config) {
          case TransformConfig.Rename c -> new RenameTransform(step, c.names());
          case TransformConfig.Select c -> new SelectTransform(step, c.tensors());
          case TransformConfig.Concat c ->
              new ConcatTransform(step, c.tensors(), c.axis(), c.output());
          case TransformConfig.Cast c ->
              new CastTransform(
                  step,
                  c.tensor(),
                  constant(DataType.class, c.to()),
                  output(c.output(), c.tensor()));
          case TransformConfig.Scale c -> scale(c, step);
          case TransformConfig.MinMax c ->
              ColumnwiseTransform.minMax(
                  step,
                  c.tensor(),
                  output(c.output(), c.tensor()),
                  doubles(c.min()),
                  doubles(c.max()),
                  c.low(),
                  c.high());
          case TransformConfig.OneHot c ->
              new OneHotTransform(
                  step, c.tensor(), output(c.output(), c.tensor()), c.classes().values());
          case TransformConfig.Image c -> image(c, step);
          case TransformConfig.Softmax c ->
              new SoftmaxTransform(step, c.tensor(), c.axis(), output(c.output(), c.tensor()));
          case TransformConfig.Argmax c ->
              new ArgmaxTransform(
                  step,
                  c.tensor(),
                  output(c.output(), c.tensor()),
                  labels(at + ".labels", c.labels()));
          case TransformConfig.Threshold c ->
              new ThresholdTransform(
                  step, c.tensor(), c.value(), c.column(), output(c.output(), c.tensor()));
          case TransformConfig.TopK c ->
              new TopKTransform(
                  step, c.tensor(), c.k(), c.output(), labels(at + ".labels", c.labels()));
          case TransformConfig.Custom c -> custom(c.name(), c.options(), at, false);
          case TransformConfig.Plugin c -> custom(c.name(), c.options(), at, true);
        };
    return violations.size() == before ? transform : null;
  }

  private Transform scale(TransformConfig.Scale config, StepPath step) {
    String at = step.path();
    double[] mean = doubles(config.mean());
    double[] std = doubles(config.std());
    if (mean.length > 1 && std.length > 1 && mean.length != std.length) {
      invalid(
          at + ".std",
          config.std(),
          "1 value or as many as mean (" + mean.length + "), not " + std.length);
    }
    return ColumnwiseTransform.scale(
        step, config.tensor(), output(config.output(), config.tensor()), mean, std);
  }

  private Transform image(TransformConfig.Image config, StepPath step) {
    ImageTransform.Options options =
        new ImageTransform.Options(
            config.width(),
            config.height(),
            constant(ImageTransform.Resize.class, config.resize()),
            constant(ImageTransform.Channels.class, config.channels()),
            constant(ImageDecoder.Encoding.class, config.encoding()),
            config.scale(),
            doubles(config.mean()),
            doubles(config.std()),
            constant(ImageTransform.Layout.class, config.layout()),
            config.padValue());
    return new ImageTransform(
        step, config.tensor(), output(config.output(), config.tensor()), options);
  }

  /**
   * A custom step by its provider's name, at {@code at}; its name and options are keys of its own
   * ({@code [i].custom.name}), or {@code inline} the step's kind and keys ({@code [i].clip}).
   */
  private Transform custom(String name, Map<String, Object> options, String at, boolean inline) {
    String namePath = inline ? at : at + ".name";
    String optionsPath = inline ? at : at + ".options";
    List<TransformProvider> installed;
    try {
      installed = providers();
    } catch (ServiceConfigurationError e) {
      add(at, "could not load the installed transforms: " + e.getMessage());
      return null;
    }
    List<TransformProvider> named = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    for (TransformProvider provider : installed) {
      names.add(provider.name());
      if (provider.name().equals(name)) {
        named.add(provider);
      }
    }
    if (named.isEmpty()) {
      invalid(
          namePath,
          name,
          "one of the installed transforms: "
              + (names.isEmpty() ? "none is installed" : String.join(", ", names)));
      return null;
    }
    if (named.size() > 1) {
      List<String> classes = new ArrayList<>();
      for (TransformProvider provider : named) {
        classes.add(provider.getClass().getName());
      }
      invalid(
          namePath,
          name,
          "one installed transform of that name, not " + named.size() + ": " + classes);
      return null;
    }
    try {
      Transform transform = named.getFirst().create(options);
      if (transform == null) {
        add(at, "'" + name + "' made no transform (its provider returned null)");
      }
      return transform;
    } catch (IllegalArgumentException e) {
      add(optionsPath, String.valueOf(e.getMessage()));
      return null;
    }
  }

  private List<TransformProvider> providers() {
    if (providers == null) {
      providers = List.copyOf(providerSource.get());
    }
    return providers;
  }

  /** The labels of a file, or null when there is none; read each file once per compilation. */
  private List<String> labels(String path, Path file) {
    if (file == null) {
      return null;
    }
    List<String> cached = labelsByPath.get(file);
    if (cached != null) {
      return cached;
    }
    try {
      List<String> labels = LabelsFile.readIndexed(file);
      labelsByPath.put(file, labels);
      return labels;
    } catch (LabelsFile.InvalidLabelsException e) {
      invalid(path, file.toString(), "a readable labels file: " + e.getMessage());
    }
    return null;
  }

  /** An option the record has checked to be one of the constants' names, in any case. */
  private static <E extends Enum<E>> E constant(Class<E> type, String value) {
    return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
  }

  /** The output name, or the input's name when there is none (the output replaces the input). */
  private static String output(String output, String input) {
    return output == null ? input : output;
  }

  private static double[] doubles(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private void invalid(String path, Object value, String expected) {
    add(path, describe(value) + " (expected: " + expected + ")");
  }

  private void add(String path, String problem) {
    violations.add(new ConfigViolation(path, problem));
  }

  private static String describe(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> "'" + s + "'";
      default -> String.valueOf(value);
    };
  }
}
