package io.mlsys.config;

import io.mlsys.core.DataType;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * One declarative transform step ({@code transform: [ {KIND: {...}}, ... ]}). A step reads tensors
 * by name and writes {@code output} (null: replace the tensor it read, keeping its name); tensors
 * it does not touch pass through. The first dimension is the batch and is never mixed across rows.
 *
 * <p>Each record checks its fields when built and throws a {@link ConfigException} listing every
 * violation, with paths relative to the step's kind key ({@code std[1]}, which the loader reports
 * as {@code graphs.g.transform[0].scale.std[1]}). Whether the tensors exist and have fitting shapes
 * is checked when the pipeline is compiled against a signature.
 */
public sealed interface TransformConfig {

  /** {@code rename: {old: new, ...}}. */
  record Rename(Map<String, String> names) implements TransformConfig {
    /**
     * @throws ConfigException when there is no name, a name is blank, or two names become one
     */
    public Rename {
      names = Checks.orderedCopy(Objects.requireNonNull(names, "names"));
      Violations violations = new Violations();
      violations.check(!names.isEmpty(), "", names, "a mapping of at least one old: new name");
      Set<String> targets = new HashSet<>();
      for (Map.Entry<String, String> entry : names.entrySet()) {
        if (entry.getKey().isBlank() || entry.getValue().isBlank()) {
          violations.invalid(entry.getKey(), entry.getValue(), Checks.EXPECTED_NAME);
        } else if (!targets.add(entry.getValue())) {
          violations.invalid(entry.getKey(), entry.getValue(), "a new name no other tensor gets");
        }
      }
      violations.throwIfAny(null);
    }
  }

  /** {@code select: [a, b]}: keep only these tensors, in this order. */
  record Select(List<String> tensors) implements TransformConfig {
    /**
     * @throws ConfigException when there is no name, or a name is blank or repeated
     */
    public Select {
      tensors = List.copyOf(tensors);
      Violations violations = new Violations();
      violations.check(!tensors.isEmpty(), "", tensors, "a non-empty list of tensor names");
      Checks.names(violations, "", tensors, true);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code concat: {tensors: [a, b], axis: 1, output: x}}: same datatype, same shape but on {@code
   * axis} (default 1; 0 is the batch and not allowed).
   */
  record Concat(List<String> tensors, int axis, String output) implements TransformConfig {
    public static final int DEFAULT_AXIS = 1;

    /**
     * @throws ConfigException listing every invalid field
     */
    public Concat {
      tensors = List.copyOf(tensors);
      Objects.requireNonNull(output, "output");
      Violations violations = new Violations();
      violations.check(
          tensors.size() >= 2, "tensors", tensors, "a list of at least 2 tensor names");
      Checks.names(violations, "tensors", tensors, false);
      violations.check(
          axis >= 1, "axis", axis, "an integer >= 1 (axis 0 is the batch and is not joined)");
      Checks.name(violations, "output", output);
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
      Objects.requireNonNull(tensor, "tensor");
      Objects.requireNonNull(to, "to");
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      Checks.choice(violations, "to", to, TARGETS);
      Checks.optionalName(violations, "output", output);
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
      Objects.requireNonNull(tensor, "tensor");
      mean = List.copyOf(mean);
      std = List.copyOf(std);
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      Checks.numbers(violations, "mean", mean);
      Checks.numbers(violations, "std", std);
      for (int i = 0; i < std.size(); i++) {
        violations.check(std.get(i) != 0, "std[" + i + "]", std.get(i), "a number other than 0");
      }
      Checks.optionalName(violations, "output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code min-max: {tensor: x, min: [...], max: [...], range: [0, 1]}}: maps [min, max] of each
   * column to range (default [0, 1]); values outside are not clipped.
   */
  record MinMax(
      String tensor, List<Double> min, List<Double> max, double low, double high, String output)
      implements TransformConfig {
    public static final double DEFAULT_LOW = 0;
    public static final double DEFAULT_HIGH = 1;

    /**
     * @throws ConfigException listing every invalid field
     */
    public MinMax {
      Objects.requireNonNull(tensor, "tensor");
      min = List.copyOf(min);
      max = List.copyOf(max);
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      Checks.numbers(violations, "min", min);
      Checks.numbers(violations, "max", max);
      if (violations.isEmpty()) {
        violations.check(
            max.size() == min.size(), "max", max, "as many values as min (" + min.size() + ")");
      }
      if (violations.isEmpty()) {
        for (int i = 0; i < max.size(); i++) {
          violations.check(
              max.get(i) > min.get(i), "max[" + i + "]", max.get(i), "> min[" + i + "]");
        }
      }
      violations.check(
          Double.isFinite(low) && Double.isFinite(high) && low < high,
          "range",
          List.of(low, high),
          "[low, high] with low < high, such as [0, 1]");
      Checks.optionalName(violations, "output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code one-hot: {tensor: x, classes: [a, b, c]}} or {@code classes: 3} (values 0..2): an
   * integer or BYTES tensor [N] or [N, 1] becomes FP32 [N, C]; an unknown value is an invalid input
   * naming it.
   *
   * @param classes the class values as strings (integers written as text), in column order
   */
  record OneHot(String tensor, List<String> classes, String output) implements TransformConfig {
    /** The most classes a one-hot step may have. */
    public static final int MAX_CLASSES = 65536;

    /**
     * @throws ConfigException listing every invalid field
     */
    public OneHot {
      Objects.requireNonNull(tensor, "tensor");
      classes = List.copyOf(classes);
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      if (classes.isEmpty() || classes.size() > MAX_CLASSES) {
        violations.add(
            "classes", classes.size() + " classes (expected: 1 to " + MAX_CLASSES + " classes)");
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < classes.size(); i++) {
        violations.check(
            seen.add(classes.get(i)), "classes[" + i + "]", classes.get(i), "each class once");
      }
      Checks.optionalName(violations, "output", output);
      violations.throwIfAny(null);
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
      int width,
      int height,
      String resize,
      String channels,
      String encoding,
      double scale,
      List<Double> mean,
      List<Double> std,
      String layout,
      double padValue)
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
      Objects.requireNonNull(tensor, "tensor");
      resize = Objects.requireNonNullElse(resize, RESIZES.getFirst());
      channels = Objects.requireNonNullElse(channels, CHANNELS.getFirst());
      encoding = Objects.requireNonNullElse(encoding, ENCODINGS.getFirst());
      layout = Objects.requireNonNullElse(layout, LAYOUTS.getFirst());
      mean = mean == null ? List.of() : List.copyOf(mean);
      std = std == null ? List.of() : List.copyOf(std);
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      Checks.optionalName(violations, "output", output);
      violations.check(width >= 1 && width <= MAX_SIZE, "width", width, EXPECTED_SIZE);
      violations.check(height >= 1 && height <= MAX_SIZE, "height", height, EXPECTED_SIZE);
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
        for (int i = 0; i < std.size(); i++) {
          violations.check(std.get(i) != 0, "std[" + i + "]", std.get(i), "a number other than 0");
        }
      }
      violations.check(Double.isFinite(padValue), "pad-value", padValue, "a finite number");
      violations.throwIfAny(null);
    }

    /**
     * {@code tensor} to FP32 [N, 3, height, width] RGB, stretched, pixel values / 255, replacing
     * the tensor.
     */
    public static Image of(String tensor, int width, int height) {
      return new Image(
          tensor, null, width, height, null, null, null, DEFAULT_SCALE, null, null, null, 0);
    }
  }

  /** {@code softmax: {tensor: x, axis: -1}}. */
  record Softmax(String tensor, int axis, String output) implements TransformConfig {
    public static final int DEFAULT_AXIS = -1;

    /**
     * @throws ConfigException listing every invalid field
     */
    public Softmax {
      Objects.requireNonNull(tensor, "tensor");
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      violations.check(
          axis != 0,
          "axis",
          axis,
          "an axis other than 0 (the batch); negative counts from the last, default -1");
      Checks.optionalName(violations, "output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code argmax: {tensor: x, output: label, labels: ./labels.json}}: the index of the highest
   * value of each row (INT64 [N]), or its label (BYTES [N]) from a labels file (a JSON object of
   * index to label or a JSON array, or a text file with one label a line).
   */
  record Argmax(String tensor, String output, String labels) implements TransformConfig {
    /**
     * @throws ConfigException listing every blank name
     */
    public Argmax {
      Objects.requireNonNull(tensor, "tensor");
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      Checks.optionalName(violations, "output", output);
      Checks.optionalName(violations, "labels", labels);
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
  record Threshold(String tensor, double value, Integer column, String output)
      implements TransformConfig {
    /**
     * @throws ConfigException listing every invalid field
     */
    public Threshold {
      Objects.requireNonNull(tensor, "tensor");
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      violations.check(Double.isFinite(value), "value", value, "a finite number");
      violations.check(column == null || column >= 0, "column", column, "an integer >= 0");
      Checks.optionalName(violations, "output", output);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code top-k: {tensor: x, k: 5, output: top, labels: ...}}: FP32 [N, k] {@code OUTPUT_values},
   * INT64 [N, k] {@code OUTPUT_indices} and, with labels, BYTES [N, k] {@code OUTPUT_labels};
   * highest first.
   */
  record TopK(String tensor, int k, String output, String labels) implements TransformConfig {
    /**
     * @throws ConfigException listing every invalid field
     */
    public TopK {
      Objects.requireNonNull(tensor, "tensor");
      Objects.requireNonNull(output, "output");
      Violations violations = new Violations();
      Checks.name(violations, "tensor", tensor);
      violations.check(k >= 1, "k", k, "an integer >= 1");
      Checks.name(violations, "output", output);
      Checks.optionalName(violations, "labels", labels);
      violations.throwIfAny(null);
    }
  }

  /**
   * {@code custom: {name: my-transform, options: {...}}}: a transform plugged in through the Java
   * SPI ({@code io.mlsys.transform.spi.TransformProvider}), found by name.
   *
   * @param options the mapping as plain Java values (String, Long, Double, Boolean, List, Map)
   */
  record Custom(String name, Map<String, Object> options) implements TransformConfig {
    static final String EXPECTED_OPTION =
        "a String, Long, Double, Boolean, or a List or Map of them";

    /**
     * @throws ConfigException when the name is blank or an option is not a plain value
     */
    public Custom {
      Objects.requireNonNull(name, "name");
      options = Checks.orderedCopy(options);
      Violations violations = new Violations();
      Checks.name(violations, "name", name);
      for (Map.Entry<String, Object> option : options.entrySet()) {
        if (!isPlain(option.getValue())) {
          violations.add(
              "options." + option.getKey(),
              option.getValue().getClass().getSimpleName()
                  + " (expected: "
                  + EXPECTED_OPTION
                  + ")");
        }
      }
      violations.throwIfAny(null);
    }

    private static boolean isPlain(Object value) {
      return switch (value) {
        case String text -> true;
        case Long number -> true;
        case Double number -> true;
        case Boolean flag -> true;
        case List<?> list -> list.stream().allMatch(item -> item != null && isPlain(item));
        case Map<?, ?> map ->
            map.entrySet().stream()
                .allMatch(
                    entry ->
                        entry.getKey() instanceof String
                            && entry.getValue() != null
                            && isPlain(entry.getValue()));
        default -> false;
      };
    }
  }
}
