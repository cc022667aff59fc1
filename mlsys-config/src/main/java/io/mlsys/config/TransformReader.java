package io.mlsys.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.core.DataType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one item of a {@code transform:} list ({@code {KIND: {...}}}) into a {@link
 * TransformConfig}: this reads the shape strictly, the records check the values.
 */
final class TransformReader {
  /** Each transform kind and the keys of its mapping (rename and select take no mapping). */
  static final Map<String, List<String>> KINDS = kinds();

  static final String EXPECTED =
      "a mapping with one transform kind: " + String.join(", ", KINDS.keySet());

  private final TreeReader values;
  private final Violations violations;

  TransformReader(TreeReader values) {
    this.values = values;
    this.violations = values.violations();
  }

  /** Every key path of a transform step, e.g. {@code <transform>.image.width}. */
  static List<String> keyPaths() {
    List<String> paths = new ArrayList<>();
    KINDS.forEach(
        (kind, keys) -> {
          paths.add("<transform>." + kind);
          keys.forEach(key -> paths.add("<transform>." + kind + "." + key));
        });
    return List.copyOf(paths);
  }

  /** One step; null (recorded) when it is invalid. */
  TransformConfig step(JsonNode item, String path) {
    if (item == null || !item.isObject() || item.size() != 1) {
      if (item != null && item.isObject() && item.size() > 1) {
        List<String> keys = new ArrayList<>();
        item.fieldNames().forEachRemaining(keys::add);
        violations.add(
            path, "the keys " + String.join(", ", keys) + " (expected: " + EXPECTED + ")");
      } else {
        values.bad(path, item, EXPECTED);
      }
      return null;
    }
    Map.Entry<String, JsonNode> choice = item.properties().iterator().next();
    String kind = choice.getKey();
    String kindPath = path + "." + kind;
    if (!KINDS.containsKey(kind)) {
      violations.add(
          kindPath, "unknown key (expected one of: " + String.join(", ", KINDS.keySet()) + ")");
      return null;
    }
    JsonNode value = choice.getValue();
    if (kind.equals("rename")) {
      return rename(value, kindPath);
    }
    if (kind.equals("select")) {
      List<String> tensors = values.strings(value, kindPath, "a non-empty list of tensor names");
      if (value == null || tensors == null) {
        return null;
      }
      return values.build(kindPath, () -> new TransformConfig.Select(tensors));
    }
    List<String> keys = KINDS.get(kind);
    Map<String, JsonNode> f =
        values.fields(value, kindPath, keys, "a mapping with keys: " + String.join(", ", keys));
    if (f == null) {
      return null;
    }
    String output = values.optionalField(f, "output", kindPath, "the name of the tensor to write");
    return switch (kind) {
      case "concat" -> {
        List<String> tensors =
            values.requiredList(
                f, "tensors", kindPath, values::strings, "a list of at least 2 tensor names");
        int axis =
            values.intOr(
                f.get("axis"),
                kindPath + ".axis",
                "an integer >= 1",
                TransformConfig.Concat.DEFAULT_AXIS);
        String concatOutput =
            values.requiredField(f, "output", kindPath, "the name of the joined tensor");
        yield values.build(
            kindPath,
            () ->
                new TransformConfig.Concat(
                    tensors == null ? List.of(TreeReader.STAND_IN, TreeReader.STAND_IN) : tensors,
                    axis,
                    concatOutput));
      }
      case "cast" -> {
        String tensor = tensor(f, kindPath);
        String to =
            values.requiredString(
                f.get("to"),
                kindPath + ".to",
                "one of: " + String.join(", ", TransformConfig.Cast.TARGETS));
        yield values.build(
            kindPath,
            () -> new TransformConfig.Cast(tensor, to == null ? DataType.FP32.name() : to, output));
      }
      case "scale" -> {
        String tensor = tensor(f, kindPath);
        List<Double> mean = values.requiredNumbers(f, "mean", kindPath);
        List<Double> std = values.requiredNumbers(f, "std", kindPath);
        yield values.build(
            kindPath,
            () ->
                new TransformConfig.Scale(
                    tensor,
                    mean == null ? List.of(0.0) : mean,
                    std == null ? List.of(1.0) : std,
                    output));
      }
      case "min-max" -> {
        String tensor = tensor(f, kindPath);
        List<Double> minRead = values.requiredNumbers(f, "min", kindPath);
        List<Double> maxRead = values.requiredNumbers(f, "max", kindPath);
        // A stand-in for a missing bound is derived from the other, so it adds no violation.
        List<Double> min =
            minRead != null ? minRead : shifted(maxRead == null ? List.of(1.0) : maxRead, -1);
        List<Double> max = maxRead != null ? maxRead : shifted(min, 1);
        List<Double> range =
            values.numbers(f.get("range"), kindPath + ".range", "[low, high], such as [0, 1]");
        double low = TransformConfig.MinMax.DEFAULT_LOW;
        double high = TransformConfig.MinMax.DEFAULT_HIGH;
        if (range != null && range.size() != 2) {
          values.bad(kindPath + ".range", f.get("range"), "[low, high], such as [0, 1]");
        } else if (range != null) {
          low = range.get(0);
          high = range.get(1);
        }
        double rangeLow = low;
        double rangeHigh = high;
        yield values.build(
            kindPath,
            () -> new TransformConfig.MinMax(tensor, min, max, rangeLow, rangeHigh, output));
      }
      case "one-hot" -> {
        String tensor = tensor(f, kindPath);
        List<String> classes = classes(f.get("classes"), kindPath + ".classes");
        yield values.build(kindPath, () -> new TransformConfig.OneHot(tensor, classes, output));
      }
      case "image" -> image(f, kindPath, output);
      case "softmax" -> {
        String tensor = tensor(f, kindPath);
        int axis =
            values.intOr(
                f.get("axis"),
                kindPath + ".axis",
                "an integer other than 0",
                TransformConfig.Softmax.DEFAULT_AXIS);
        yield values.build(kindPath, () -> new TransformConfig.Softmax(tensor, axis, output));
      }
      case "argmax" -> {
        String tensor = tensor(f, kindPath);
        String labels = labels(f, kindPath);
        yield values.build(kindPath, () -> new TransformConfig.Argmax(tensor, output, labels));
      }
      case "threshold" -> {
        String tensor = tensor(f, kindPath);
        Double threshold = values.number(f.get("value"), kindPath + ".value", "a number");
        if (f.get("value") == null) {
          values.missing(kindPath + ".value", "a number, such as 0.5");
        }
        Integer column =
            f.get("column") == null
                ? null
                : values.smallInteger(f.get("column"), kindPath + ".column", "an integer >= 0");
        yield values.build(
            kindPath,
            () ->
                new TransformConfig.Threshold(
                    tensor, threshold == null ? 0 : threshold, column, output));
      }
      case "top-k" -> {
        String tensor = tensor(f, kindPath);
        Integer k =
            f.get("k") == null
                ? null
                : values.smallInteger(f.get("k"), kindPath + ".k", "an integer >= 1");
        if (f.get("k") == null) {
          values.missing(kindPath + ".k", "an integer >= 1");
        }
        String topOutput =
            values.requiredField(f, "output", kindPath, "the name prefix of the results");
        String labels = labels(f, kindPath);
        yield values.build(
            kindPath, () -> new TransformConfig.TopK(tensor, k == null ? 1 : k, topOutput, labels));
      }
      default -> {
        String name =
            values.requiredField(f, "name", kindPath, "the name of an installed custom transform");
        Map<String, Object> options = options(f.get("options"), kindPath + ".options");
        yield values.build(kindPath, () -> new TransformConfig.Custom(name, options));
      }
    };
  }

  private TransformConfig rename(JsonNode value, String path) {
    if (value == null || !value.isObject() || value.isEmpty()) {
      values.bad(path, value, "a mapping of at least one old: new tensor name");
      return null;
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      String target =
          values.string(entry.getValue(), path + "." + entry.getKey(), "a new tensor name", false);
      if (target == null) {
        return null;
      }
      names.put(entry.getKey(), target);
    }
    return values.build(path, () -> new TransformConfig.Rename(names));
  }

  private TransformConfig image(Map<String, JsonNode> f, String path, String output) {
    String tensor = tensor(f, path);
    int width = values.requiredInt(f, "width", path, TransformConfig.Image.EXPECTED_SIZE);
    int height = values.requiredInt(f, "height", path, TransformConfig.Image.EXPECTED_SIZE);
    String resize = values.optionalField(f, "resize", path, choices(TransformConfig.Image.RESIZES));
    String channels =
        values.optionalField(f, "channels", path, choices(TransformConfig.Image.CHANNELS));
    String encoding =
        values.optionalField(f, "encoding", path, choices(TransformConfig.Image.ENCODINGS));
    String layout = values.optionalField(f, "layout", path, choices(TransformConfig.Image.LAYOUTS));
    Double scale = values.number(f.get("scale"), path + ".scale", "a number > 0, such as 255");
    List<Double> mean = values.numbers(f.get("mean"), path + ".mean", "a list of numbers");
    List<Double> std = values.numbers(f.get("std"), path + ".std", "a list of numbers");
    Double padValue = values.number(f.get("pad-value"), path + ".pad-value", "a number");
    return values.build(
        path,
        () ->
            new TransformConfig.Image(
                tensor,
                output,
                width,
                height,
                resize,
                channels,
                encoding,
                scale == null ? TransformConfig.Image.DEFAULT_SCALE : scale,
                mean,
                std,
                layout,
                padValue == null ? 0 : padValue));
  }

  /** {@code classes: N} (the values "0".."N-1") or a list of values as text or integers. */
  private List<String> classes(JsonNode node, String path) {
    String expected =
        "a count from 1 to "
            + TransformConfig.OneHot.MAX_CLASSES
            + ", or a list of class values (text or integers)";
    if (node == null) {
      values.missing(path, expected);
      return List.of(TreeReader.STAND_IN);
    }
    if (node.isIntegralNumber()) {
      long count = node.canConvertToLong() ? node.longValue() : -1;
      if (count < 1 || count > TransformConfig.OneHot.MAX_CLASSES) {
        values.bad(path, node, expected);
        return List.of(TreeReader.STAND_IN);
      }
      return TransformConfig.OneHot.numbered((int) count);
    }
    if (!node.isArray()) {
      values.bad(path, node, expected);
      return List.of(TreeReader.STAND_IN);
    }
    List<String> classes = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      String itemPath = path + "[" + i + "]";
      String value =
          item.isIntegralNumber()
              ? item.asText()
              : values.string(item, itemPath, "a class value: text or an integer", false);
      if (value == null) {
        return List.of(TreeReader.STAND_IN);
      }
      classes.add(value);
    }
    return classes;
  }

  /** Custom options as plain Java values; null (recorded) when one is not plain. */
  private Map<String, Object> options(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    if (!node.isObject()) {
      values.bad(path, node, "a mapping of option name to value");
      return null;
    }
    Object options = plain(node, path);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) options;
    return map;
  }

  private Object plain(JsonNode node, String path) {
    if (node.isTextual()) {
      return values.substitute(node.textValue(), path);
    }
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) {
        return node.longValue();
      }
      values.bad(path, node, "an integer that fits 64 bits");
      return null;
    }
    if (node.isNumber()) {
      if (!Double.isFinite(node.doubleValue())) {
        values.bad(path, node, "a finite number");
        return null;
      }
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        Object item = plain(node.get(i), path + "[" + i + "]");
        if (item == null) {
          return null;
        }
        list.add(item);
      }
      return Collections.unmodifiableList(list);
    }
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        Object item = plain(entry.getValue(), path + "." + entry.getKey());
        if (item == null) {
          return null;
        }
        map.put(entry.getKey(), item);
      }
      return Collections.unmodifiableMap(map);
    }
    values.bad(path, node, "a value: text, a number, true, false, a list or a mapping");
    return null;
  }

  private String tensor(Map<String, JsonNode> fields, String path) {
    return values.requiredField(fields, "tensor", path, "the name of the tensor to read");
  }

  private String labels(Map<String, JsonNode> fields, String path) {
    String labels =
        values.string(fields.get("labels"), path + ".labels", "the path of a labels file", false);
    return labels == null ? null : values.resolvedText(labels);
  }

  private static List<Double> shifted(List<Double> values, double by) {
    return values.stream().map(value -> value + by).toList();
  }

  private static String choices(List<String> choices) {
    return "one of: " + String.join(", ", choices);
  }

  private static Map<String, List<String>> kinds() {
    Map<String, List<String>> keys = new LinkedHashMap<>();
    keys.put("rename", List.of());
    keys.put("select", List.of());
    keys.put("concat", List.of("tensors", "axis", "output"));
    keys.put("cast", List.of("tensor", "to", "output"));
    keys.put("scale", List.of("tensor", "mean", "std", "output"));
    keys.put("min-max", List.of("tensor", "min", "max", "range", "output"));
    keys.put("one-hot", List.of("tensor", "classes", "output"));
    keys.put(
        "image",
        List.of(
            "tensor",
            "output",
            "width",
            "height",
            "resize",
            "channels",
            "encoding",
            "scale",
            "mean",
            "std",
            "layout",
            "pad-value"));
    keys.put("softmax", List.of("tensor", "axis", "output"));
    keys.put("argmax", List.of("tensor", "output", "labels"));
    keys.put("threshold", List.of("tensor", "value", "column", "output"));
    keys.put("top-k", List.of("tensor", "k", "output", "labels"));
    keys.put("custom", List.of("name", "options"));
    return Collections.unmodifiableMap(keys);
  }
}
