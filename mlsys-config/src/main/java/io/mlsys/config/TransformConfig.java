package io.mlsys.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One declarative transform step ({@code transform: [ {KIND: {...}}, ... ]}). A step reads tensors
 * by name and writes {@code output} (null: replace the tensor it read, keeping its name); tensors
 * it does not touch pass through. The first dimension is the batch and is never mixed across rows.
 */
public sealed interface TransformConfig {

  /** {@code rename: {old: new, ...}}. */
  record Rename(Map<String, String> names) implements TransformConfig {
    public Rename {
      names = Map.copyOf(names);
    }
  }

  /** {@code select: [a, b]}: keep only these tensors, in this order. */
  record Select(List<String> tensors) implements TransformConfig {
    public Select {
      tensors = List.copyOf(tensors);
    }
  }

  /**
   * {@code concat: {tensors: [a, b], axis: 1, output: x}}: same datatype, same shape but on {@code
   * axis} (default 1; 0 is the batch and not allowed).
   */
  record Concat(List<String> tensors, int axis, String output) implements TransformConfig {
    public Concat {
      tensors = List.copyOf(tensors);
      Objects.requireNonNull(output, "output");
    }
  }

  /** {@code cast: {tensor: x, to: FP32}}: numeric and BOOL datatypes. */
  record Cast(String tensor, String to, String output) implements TransformConfig {
    public Cast {
      Objects.requireNonNull(tensor, "tensor");
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * {@code scale: {tensor: x, mean: [...], std: [...]}}: (v - mean[c]) / std[c] over the last
   * dimension (one value each, or one for all); answers FP32 (FP64 stays FP64).
   */
  record Scale(String tensor, List<Double> mean, List<Double> std, String output)
      implements TransformConfig {
    public Scale {
      Objects.requireNonNull(tensor, "tensor");
      mean = List.copyOf(mean);
      std = List.copyOf(std);
    }
  }

  /**
   * {@code min-max: {tensor: x, min: [...], max: [...], range: [0, 1]}}: maps [min, max] of each
   * column to range (default [0, 1]); values outside are not clipped.
   */
  record MinMax(
      String tensor, List<Double> min, List<Double> max, double low, double high, String output)
      implements TransformConfig {
    public MinMax {
      Objects.requireNonNull(tensor, "tensor");
      min = List.copyOf(min);
      max = List.copyOf(max);
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
    public OneHot {
      Objects.requireNonNull(tensor, "tensor");
      classes = List.copyOf(classes);
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
    public Image {
      Objects.requireNonNull(tensor, "tensor");
      resize = Objects.requireNonNullElse(resize, "stretch");
      channels = Objects.requireNonNullElse(channels, "RGB");
      encoding = Objects.requireNonNullElse(encoding, "auto");
      layout = Objects.requireNonNullElse(layout, "NCHW");
      mean = mean == null ? List.of() : List.copyOf(mean);
      std = std == null ? List.of() : List.copyOf(std);
    }
  }

  /** {@code softmax: {tensor: x, axis: -1}}. */
  record Softmax(String tensor, int axis, String output) implements TransformConfig {
    public Softmax {
      Objects.requireNonNull(tensor, "tensor");
    }
  }

  /**
   * {@code argmax: {tensor: x, output: label, labels: ./labels.json}}: the index of the highest
   * value of each row (INT64 [N]), or its label (BYTES [N]) from a labels file (a JSON object of
   * index to label or a JSON array, or a text file with one label a line).
   */
  record Argmax(String tensor, String output, String labels) implements TransformConfig {
    public Argmax {
      Objects.requireNonNull(tensor, "tensor");
    }
  }

  /**
   * {@code threshold: {tensor: x, value: 0.5, column: 1}}: BOOL, true where v >= value (a runtime
   * parameter); with {@code column} only that column of a [N, C] tensor ([N] result).
   *
   * @param column null: every element
   */
  record Threshold(String tensor, double value, Integer column, String output)
      implements TransformConfig {
    public Threshold {
      Objects.requireNonNull(tensor, "tensor");
    }
  }

  /**
   * {@code top-k: {tensor: x, k: 5, output: top, labels: ...}}: FP32 [N, k] {@code OUTPUT_values},
   * INT64 [N, k] {@code OUTPUT_indices} and, with labels, BYTES [N, k] {@code OUTPUT_labels};
   * highest first.
   */
  record TopK(String tensor, int k, String output, String labels) implements TransformConfig {
    public TopK {
      Objects.requireNonNull(tensor, "tensor");
      Objects.requireNonNull(output, "output");
    }
  }

  /**
   * {@code custom: {name: my-transform, options: {...}}}: a transform plugged in through the Java
   * SPI ({@code io.mlsys.transform.spi.TransformProvider}), found by name.
   *
   * @param options the mapping as plain Java values (String, Long, Double, Boolean, List, Map)
   */
  record Custom(String name, Map<String, Object> options) implements TransformConfig {
    public Custom {
      Objects.requireNonNull(name, "name");
      options = options == null ? Map.of() : Map.copyOf(options);
    }
  }
}
