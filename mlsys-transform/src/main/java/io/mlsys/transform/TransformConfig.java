package io.mlsys.transform;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.ConfigKindName;
import io.mlsys.config.ConfigShorthand;
import io.mlsys.config.ConfigText;
import io.mlsys.config.Violations;
import io.mlsys.core.DataType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One declarative transform step ({@code transform: [ {KIND: {...}}, ... ]}); config binds it
 * through {@link TransformFamily}, each record under its kind: its simple name in kebab-case
 * ({@code MinMax} is {@code min-max}), an installed custom transform under its own name ({@link
 * Plugin}). A step reads tensors by name and writes {@code output} (null: replace the tensor it
 * read, keeping its name); tensors it does not touch pass through. The first dimension is the batch
 * and is never mixed across rows.
 *
 * <p>Each record checks its fields when built (null stands for a key left out) and throws a {@link
 * ConfigException} listing every violation, with paths relative to the step's kind key ({@code
 * std[1]}, which the loader reports as {@code graphs.g.transform[0].scale.std[1]}). Whether the
 * tensors exist and have fitting shapes is checked when the pipeline is compiled against a
 * signature.
 */
public sealed interface TransformConfig {

  /** {@code rename: {old: new, ...}}. */
  record Rename(@ConfigInline Map<String, String> names) implements TransformConfig {
    /**
     * @throws ConfigException when there is no name, a name is blank, or two names become one
     */
    public Rename {
      names = Checks.orderedCopy(names);
      Violations violations = new Violations();
      violations.check(!names.isEmpty(), "", names, "a mapping of at least one old: new name");
      Set<String> targets = new HashSet<>();
      for (Map.Entry<String, String> entry : names.entrySet()) {
        if (entry.getKey().isBlank() || entry.getValue().isBlank()) {
          violations.invalid(entry.getKey(), entry.getValue(), Violations.EXPECTED_NAME);
        } else if (!targets.add(entry.getValue())) {
          violations.invalid(entry.getKey(), entry.getValue(), "a new name no other tensor gets");
        }
      }
      violations.throwIfAny(null);
    }
  }

  /** {@code select: [a, b]}: keep only these tensors, in this order. */
  record Select(List<String> tensors) implements TransformConfig {
    static final String EXPECTED_TENSORS = "a non-empty list of tensor names";

    /**
     * @throws ConfigException when there is no name, or a name is blank or repeated
     */
    public Select {
      Violations violations = new Violations();
      if (violations.present("", tensors, EXPECTED_TENSORS)) {
        tensors = List.copyOf(tensors);
        violations.check(!tensors.isEmpty(), "", tensors, EXPECTED_TENSORS);
        violations.names("", tensors, true);
      }
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code concat: {tensors: [a, b], axis: 1, output: x}}: same datatype, same shape but on {@code
   * axis} (default 1; 0 is the batch and not allowed).
   */
  record Concat(List<String> tensors, Integer axis, String output) implements TransformConfig {
    public static final int DEFAULT_AXIS = 1;

    static final String EXPECTED_TENSORS = "a list of at least 2 tensor names";

    /**
     * @throws ConfigException listing every invalid field
     */
    public Concat {
      axis = Objects.requireNonNullElse(axis, DEFAULT_AXIS);
      Violations violations = new Violations();
      if (violations.present("tensors", tensors, EXPECTED_TENSORS)) {
        tensors = List.copyOf(tensors);
        violations.check(tensors.size() >= 2, "tensors", tensors, EXPECTED_TENSORS);
        violations.names("tensors", tensors, false);
      }
      violations.check(
          axis >= 1, "axis", axis, "an integer >= 1 (axis 0 is the batch and is not joined)");
      if (violations.present("output", output, "the name of the joined tensor")) {
        violations.name("output", output);
      }
      violations.throwIfAny(null);
    }
  }

  /** {@code cast: {tensor: x, to: FP32}}: numeric and BOOL datatypes. */
  record Cast(String tensor, String to, String output) implements TransformConfig {
    /** The datatypes a tensor may be cast to: every OIP datatype but BYTES. */
    public static final List<String> TARGETS =
        Arrays.stream(DataType.values())
            .filter(type -> type != DataType.BYTES)
            .map(DataType::name)
            .toList();

    /**
     * @throws ConfigException listing every invalid field
     */
    public Cast {
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      if (violations.present("to", to, Checks.choices(TARGETS))) {
        Checks.choice(violations, "to", to, TARGETS);
      }
      violations.optionalName("output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code scale: {tensor: x, mean: [...], std: [...]}}: (v - mean[c]) / std[c] over the last
   * dimension (one value each, or one for all); answers FP32 (FP64 stays FP64).
   */
  record Scale(String tensor, List<Double> mean, List<Double> std, String output)
      implements TransformConfig {
    /**
     * @throws ConfigException listing every invalid field
     */
    public Scale {
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      if (violations.present("mean", mean, Checks.EXPECTED_NUMBERS)) {
        mean = List.copyOf(mean);
        Checks.numbers(violations, "mean", mean);
      }
      if (violations.present("std", std, Checks.EXPECTED_NUMBERS)) {
        std = List.copyOf(std);
        Checks.numbers(violations, "std", std);
        Checks.nonZero(violations, "std", std);
      }
      violations.optionalName("output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code min-max: {tensor: x, min: [...], max: [...], range: [0, 1]}}: maps [min, max] of each
   * column to range (default [0, 1]); values outside are not clipped.
   *
   * @param range {@code [low, high]}; null: {@link #DEFAULT_RANGE}
   */
  record MinMax(
      String tensor, List<Double> min, List<Double> max, List<Double> range, String output)
      implements TransformConfig {
    public static final List<Double> DEFAULT_RANGE = List.of(0.0, 1.0);

    static final String EXPECTED_RANGE = "[low, high] with low < high, such as [0, 1]";

    /**
     * @throws ConfigException listing every invalid field
     */
    public MinMax {
      range = range == null ? DEFAULT_RANGE : List.copyOf(range);
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      boolean bounds = true;
      if (violations.present("min", min, Checks.EXPECTED_NUMBERS)) {
        min = List.copyOf(min);
        Checks.numbers(violations, "min", min);
      } else {
        bounds = false;
      }
      if (violations.present("max", max, Checks.EXPECTED_NUMBERS)) {
        max = List.copyOf(max);
        Checks.numbers(violations, "max", max);
      } else {
        bounds = false;
      }
      if (bounds && violations.isEmpty()) {
        violations.check(
            max.size() == min.size(), "max", max, "as many values as min (" + min.size() + ")");
      }
      if (bounds && violations.isEmpty()) {
        for (int i = 0; i < max.size(); i++) {
          violations.check(
              max.get(i) > min.get(i), "max[" + i + "]", max.get(i), "> min[" + i + "]");
        }
      }
      violations.check(
          range.size() == 2
              && Double.isFinite(range.get(0))
              && Double.isFinite(range.get(1))
              && range.get(0) < range.get(1),
          "range",
          range,
          EXPECTED_RANGE);
      violations.optionalName("output", output);
      violations.throwIfAny(null);
    }

    /** The low end of {@code range}. */
    public double low() {
      return range.get(0);
    }

    /** The high end of {@code range}. */
    public double high() {
      return range.get(1);
    }
  }

  /**
   * {@code one-hot: {tensor: x, classes: [a, b, c]}} or {@code classes: 3} (values 0..2): an
   * integer or BYTES tensor [N] or [N, 1] becomes FP32 [N, C]; an unknown value is an invalid input
   * naming it.
   */
  record OneHot(String tensor, Classes classes, String output) implements TransformConfig {
    /** The most classes a one-hot step may have. */
    public static final int MAX_CLASSES = 65536;

    static final String EXPECTED_CLASSES =
        "a count from 1 to " + MAX_CLASSES + ", or a list of class values (text or integers)";

    /**
     * The class values as strings (integers written as text), in column order: written as a list,
     * or as a count N for the values 0 to N-1.
     */
    public record Classes(@ConfigText List<String> values) {
      public Classes {
        values = List.copyOf(values);
      }

      /** {@code classes: N}: the values {@code "0"} to {@code "N-1"}. */
      @ConfigShorthand
      public static Classes count(String text) {
        try {
          int count = Integer.parseInt(text.strip());
          if (count >= 1 && count <= MAX_CLASSES) {
            return new Classes(numbered(count));
          }
        } catch (NumberFormatException e) {
          // refused below
        }
        throw new IllegalArgumentException(EXPECTED_CLASSES);
      }
    }

    /**
     * @throws ConfigException listing every invalid field
     */
    public OneHot {
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      if (violations.present("classes", classes, EXPECTED_CLASSES)) {
        List<String> values = classes.values();
        if (values.isEmpty() || values.size() > MAX_CLASSES) {
          violations.add(
              "classes", values.size() + " classes (expected: 1 to " + MAX_CLASSES + " classes)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
          violations.check(
              seen.add(values.get(i)), "classes[" + i + "]", values.get(i), "each class once");
        }
      }
      violations.optionalName("output", output);
      violations.throwIfAny(null);
    }

    /** One-hot of these class values, in column order. */
    public OneHot(String tensor, List<String> classes, String output) {
      this(tensor, classes == null ? null : new Classes(classes), output);
    }

    /** The classes {@code "0"} to {@code "count - 1"}, as written {@code classes: count}. */
    public static List<String> numbered(int count) {
      return IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }
  }

  /**
   * {@code image: {...}}: a BYTES [N] (or [N, 1]) tensor of encoded images (JPEG/PNG, raw bytes or
   * base64 text) becomes FP32 [N, C, H, W] (or NHWC): decode, resize, channel order, scale,
   * normalize.
   *
   * @param resize {@code stretch} (to width x height), or {@code pad} (keep the aspect ratio, scale
   *     to height, pad the right with {@code padValue} up to width; PaddleOCR's text lines)
   * @param channels RGB, BGR or GRAY
   * @param encoding auto, raw or base64
   * @param scale divide pixel values by this first (default 255)
   * @param mean per channel, subtracted after scaling (default 0)
   * @param std per channel, divided by after subtracting (default 1)
   * @param layout NCHW (default) or NHWC
   * @param padValue the value of padded pixels after normalization (default 0)
   */
  record Image(
      String tensor,
      String output,
      Integer width,
      Integer height,
      String resize,
      String channels,
      String encoding,
      Double scale,
      List<Double> mean,
      List<Double> std,
      String layout,
      Double padValue)
      implements TransformConfig {
    public static final int MAX_SIZE = 8192;
    public static final double DEFAULT_SCALE = 255;
    public static final List<String> RESIZES = List.of("stretch", "pad");
    public static final List<String> CHANNELS = List.of("RGB", "BGR", "GRAY");
    public static final List<String> ENCODINGS = List.of("auto", "raw", "base64");
    public static final List<String> LAYOUTS = List.of("NCHW", "NHWC");

    static final String EXPECTED_SIZE = "an integer from 1 to " + MAX_SIZE;

    /**
     * @throws ConfigException listing every invalid field
     */
    public Image {
      resize = Objects.requireNonNullElse(resize, RESIZES.getFirst());
      channels = Objects.requireNonNullElse(channels, CHANNELS.getFirst());
      encoding = Objects.requireNonNullElse(encoding, ENCODINGS.getFirst());
      layout = Objects.requireNonNullElse(layout, LAYOUTS.getFirst());
      scale = Objects.requireNonNullElse(scale, DEFAULT_SCALE);
      padValue = Objects.requireNonNullElse(padValue, 0.0);
      mean = mean == null ? List.of() : List.copyOf(mean);
      std = std == null ? List.of() : List.copyOf(std);
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      violations.optionalName("output", output);
      if (violations.present("width", width, EXPECTED_SIZE)) {
        violations.check(width >= 1 && width <= MAX_SIZE, "width", width, EXPECTED_SIZE);
      }
      if (violations.present("height", height, EXPECTED_SIZE)) {
        violations.check(height >= 1 && height <= MAX_SIZE, "height", height, EXPECTED_SIZE);
      }
      Checks.choice(violations, "resize", resize, RESIZES);
      Checks.choice(violations, "channels", channels, CHANNELS);
      Checks.choice(violations, "encoding", encoding, ENCODINGS);
      Checks.choice(violations, "layout", layout, LAYOUTS);
      violations.check(
          Double.isFinite(scale) && scale > 0, "scale", scale, "a number > 0, such as 255");
      int channelCount = channels.equals("GRAY") ? 1 : 3;
      String expectedLength = channelCount == 1 ? "1 value" : "1 or 3 values";
      if (!mean.isEmpty()) {
        Checks.numbers(violations, "mean", mean);
        violations.check(
            mean.size() == 1 || mean.size() == channelCount,
            "mean",
            mean,
            expectedLength + " (one per channel)");
      }
      if (!std.isEmpty()) {
        Checks.numbers(violations, "std", std);
        violations.check(
            std.size() == 1 || std.size() == channelCount,
            "std",
            std,
            expectedLength + " (one per channel)");
        Checks.nonZero(violations, "std", std);
      }
      violations.check(Double.isFinite(padValue), "pad-value", padValue, "a finite number");
      violations.throwIfAny(null);
    }

    /**
     * {@code tensor} to FP32 [N, 3, height, width] RGB, stretched, pixel values / 255, replacing
     * the tensor.
     */
    public static Image of(String tensor, int width, int height) {
      return new Image(tensor, null, width, height, null, null, null, null, null, null, null, null);
    }
  }

  /** {@code softmax: {tensor: x, axis: -1}}. */
  record Softmax(String tensor, Integer axis, String output) implements TransformConfig {
    public static final int DEFAULT_AXIS = -1;

    /**
     * @throws ConfigException listing every invalid field
     */
    public Softmax {
      axis = Objects.requireNonNullElse(axis, DEFAULT_AXIS);
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      violations.check(
          axis != 0,
          "axis",
          axis,
          "an axis other than 0 (the batch); negative counts from the last, default -1");
      violations.optionalName("output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code argmax: {tensor: x, output: label, labels: ./labels.json}}: the index of the highest
   * value of each row (INT64 [N]), or its label (BYTES [N]) from a labels file (a JSON object of
   * index to label or a JSON array, or a text file with one label a line).
   *
   * @param labels null: none; in mlsys.yaml relative to its folder
   */
  record Argmax(String tensor, String output, Path labels) implements TransformConfig {
    /**
     * @throws ConfigException listing every blank name
     */
    public Argmax {
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      violations.optionalName("output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code threshold: {tensor: x, value: 0.5, column: 1}}: BOOL, true where v >= value (fixed when
   * the graph is built; a reload of mlsys.yaml changes it); with {@code column} only that column of
   * a [N, C] tensor ([N] result).
   *
   * @param column null: every element
   */
  record Threshold(String tensor, Double value, Integer column, String output)
      implements TransformConfig {
    /**
     * @throws ConfigException listing every invalid field
     */
    public Threshold {
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      if (violations.present("value", value, "a number, such as 0.5")) {
        violations.check(Double.isFinite(value), "value", value, "a finite number");
      }
      violations.check(column == null || column >= 0, "column", column, "an integer >= 0");
      violations.optionalName("output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code top-k: {tensor: x, k: 5, output: top, labels: ...}}: FP32 [N, k] {@code OUTPUT_values},
   * INT64 [N, k] {@code OUTPUT_indices} and, with labels, BYTES [N, k] {@code OUTPUT_labels};
   * highest first.
   *
   * @param labels null: none; in mlsys.yaml relative to its folder
   */
  record TopK(String tensor, Integer k, String output, Path labels) implements TransformConfig {
    /**
     * @throws ConfigException listing every invalid field
     */
    public TopK {
      Violations violations = new Violations();
      Checks.tensor(violations, tensor);
      if (violations.present("k", k, "an integer >= 1")) {
        violations.check(k >= 1, "k", k, "an integer >= 1");
      }
      if (violations.present("output", output, "the name prefix of the results")) {
        violations.name("output", output);
      }
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code custom: {name: my-transform, options: {...}}}: a transform plugged in through the Java
   * SPI ({@link io.mlsys.transform.spi.TransformProvider}), found by name.
   *
   * @param options the mapping as plain Java values (String, Long, Double, Boolean, List, Map)
   */
  record Custom(String name, Map<String, Object> options) implements TransformConfig {
    /**
     * @throws ConfigException when the name is blank or an option is not a plain value
     */
    public Custom {
      options = Checks.orderedCopy(options);
      Violations violations = new Violations();
      if (violations.present("name", name, "the name of an installed custom transform")) {
        violations.name("name", name);
      }
      Checks.plain(violations, "options", options);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code clip: {max: 6}}: an installed custom transform written under its own name, its options
   * the step's keys; the same as {@code custom: {name: clip, options: {max: 6}}}. A provider whose
   * name is a built-in kind is reached only through {@code custom}.
   *
   * @param name the provider's name
   * @param options the mapping as plain Java values (String, Long, Double, Boolean, List, Map)
   */
  record Plugin(@ConfigKindName String name, @ConfigInline Map<String, Object> options)
      implements TransformConfig {
    /**
     * @throws ConfigException when the name is blank or an option is not a plain value
     */
    public Plugin {
      Objects.requireNonNull(name, "name");
      options = Checks.orderedCopy(options);
      Violations violations = new Violations();
      violations.name("", name);
      Checks.plain(violations, "", options);
      violations.throwIfAny(null);
    }
  }
}
