package io.mlsys.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.graph.CascadeOptions.Accept;
import io.mlsys.graph.CascadeOptions.Stage;
import io.mlsys.graph.EnsembleOptions.Branch;
import io.mlsys.graph.EnsembleOptions.BranchPolicy;
import io.mlsys.graph.SequenceOptions.Step;
import io.mlsys.graph.TestModels.GraphsFile;
import io.mlsys.transform.TransformConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code graphs:} of mlsys.yaml bound by {@link ConfigBinder} to {@link GraphConfig}s, each node
 * through the installed kinds ({@link NodeFamily}) and each transform step through the installed
 * transforms: every violation of the file at once, each with its full key path.
 */
class GraphConfigTest {
  private static final Map<String, String> NO_ENV = Map.of();

  /** The installed node kinds, as messages list them. */
  private static final String KINDS =
      "model, remote, transform, sequence, ensemble, switch, cascade";

  /** The installed transform kinds: the built-in ones, then the test provider pass-through. */
  private static final String TRANSFORMS =
      "rename, select, concat, cast, scale, min-max, one-hot, image, softmax, argmax, threshold,"
          + " top-k, custom, pass-through";

  private static final String EXPECTED_NODE = "a graph node: one of " + KINDS + " as its key";

  @TempDir Path dir;

  private Map<String, GraphConfig> parse(String yaml) {
    return parse(yaml, NO_ENV);
  }

  private Map<String, GraphConfig> parse(String yaml, Map<String, String> env) {
    ConfigDocument document = ConfigDocument.parse(yaml, "mlsys.yaml", dir, env);
    Map<String, GraphConfig> graphs = ConfigBinder.bind(document, GraphsFile.class).graphs();
    return graphs == null ? Map.of() : graphs;
  }

  /** The root node of graph {@code g} written under {@code graphs: g:}. */
  private NodeConfig root(String node) {
    return parse("graphs:\n  g:\n" + node.indent(4)).get("g").root();
  }

  /** The options of the root node of graph {@code g}. */
  @SuppressWarnings("unchecked")
  private <O> O options(String node) {
    return (O) root(node).options();
  }

  private List<String> violations(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  /** The violations of graph {@code g}. */
  private List<String> graphViolations(String node) {
    return violations("graphs:\n  g:\n" + node.indent(4));
  }

  private TransformConfig transform(String step) {
    return this.<TransformOptions>options("transform:\n  - " + step).steps().getFirst();
  }

  private List<String> transformViolations(String step) {
    return graphViolations("transform:\n  - " + step);
  }

  private static NodeConfig model(String name) {
    return NodeConfig.of(ModelOptions.of(name));
  }

  // ---- graphs

  @Test
  void graphsKeepTheOrderWritten() {
    Map<String, GraphConfig> graphs =
        parse(
            """
            graphs:
              zeta: { model: a }
              alpha: { model: b }
              mid: { model: zeta }
            """);

    assertThat(graphs.keySet()).containsExactly("zeta", "alpha", "mid");
    assertThat(graphs.get("mid").root()).isEqualTo(model("zeta"));
  }

  @Test
  void noGraphsIsEmpty() {
    assertThat(parse("graphs:\n")).isEmpty();
    assertThat(parse("")).isEmpty();
  }

  @Test
  void graphsMustBeAMapping() {
    assertThat(violations("graphs: [a]")).containsExactly("graphs: a list (expected: a mapping)");
  }

  // ---- node shape

  @Test
  void aNodeNeedsExactlyOneKind() {
    assertThat(graphViolations("timeout: 1s"))
        .containsExactly("graphs.g: no kind key (expected: " + EXPECTED_NODE + ")");
    assertThat(graphViolations("model: a\nremote: { url: \"http://h\", model: m }"))
        .containsExactly(
            "graphs.g: several kinds: model, remote (expected: exactly one of: " + KINDS + ")");
  }

  @Test
  void anUnknownKindNamesItsPathAndTheInstalledKinds() {
    assertThat(graphViolations("modle: iris"))
        .containsExactly(
            "graphs.g: no kind key (expected: " + EXPECTED_NODE + ")",
            "graphs.g.modle: unknown key (expected one of: " + KINDS + ", timeout)");
    assertThat(graphViolations("sequence:\n  a: { splitter: { to: m } }"))
        .containsExactly(
            "graphs.g.sequence.a: no kind key (expected: " + EXPECTED_NODE + ")",
            "graphs.g.sequence.a.splitter: unknown key (expected one of: "
                + KINDS
                + ", timeout, when, inputs, active)");
  }

  @Test
  void aNodeMustBeAMapping() {
    assertThat(violations("graphs: { g: iris }"))
        .containsExactly(
            "graphs.g: 'iris' (expected: a mapping with keys: " + KINDS + ", timeout)");
  }

  @Test
  void aRootNodeHasNoPlaceKeys() {
    assertThat(graphViolations("model: a\nweight: 2"))
        .containsExactly("graphs.g.weight: unknown key (expected one of: " + KINDS + ", timeout)");
  }

  @Test
  void anyNodeMayHaveATimeout() {
    assertThat(root("model: a\ntimeout: 250ms").timeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(
            this.<SequenceOptions>options("sequence:\n  s: { model: a, timeout: 2s }")
                .steps()
                .get("s")
                .node()
                .timeout())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aTimeoutMustBePositive() {
    assertThat(graphViolations("model: a\ntimeout: 0s"))
        .containsExactly(
            "graphs.g.timeout: 0s (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S, > 0)");
    assertThat(graphViolations("model: a\ntimeout: 5"))
        .containsExactly(
            "graphs.g.timeout: 5 (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S)");
  }

  // ---- model

  @Test
  void readsAModelByName() {
    assertThat(root("model: iris-svc")).isEqualTo(model("iris-svc"));
  }

  @Test
  void readsAModelMapping() {
    assertThat(root("model: { name: iris, version: 2, outputs: [output_label] }").options())
        .isEqualTo(new ModelOptions("iris", "2", List.of("output_label")));
  }

  @Test
  void aModelNodeIsChecked() {
    assertThat(graphViolations("model: \"a/b\""))
        .containsExactly(
            "graphs.g.model: 'a/b' (expected: a model or graph name of 1 to 128 letters, digits,"
                + " '_', '.' or '-', not starting with '.')");
    assertThat(graphViolations("model: { version: \"x\", outputs: [a, a], size: 1 }"))
        .containsExactly(
            "graphs.g.model.name: missing (expected: a model or graph name of 1 to 128 letters,"
                + " digits, '_', '.' or '-', not starting with '.')",
            "graphs.g.model.version: 'x' (expected: a positive integer such as 1 or \"2\")",
            "graphs.g.model.outputs[1]: 'a' (expected: each name once)",
            "graphs.g.model.size: unknown key (expected one of: name, version, outputs)");
  }

  // ---- remote

  @Test
  void readsARemoteWithEveryKey() {
    assertThat(
            root("""
                    remote:
                      url: https://models.example.com:8443/base
                      model: iris
                      version: "3"
                      connect-timeout: 2s
                      max-attempts: 5
                      retry-backoff: 50ms
                    """)
                .options())
        .isEqualTo(
            new RemoteOptions(
                "https://models.example.com:8443/base",
                "iris",
                "3",
                Duration.ofSeconds(2),
                5,
                Duration.ofMillis(50)));
  }

  @Test
  void aRemoteGetsTheDocumentedDefaults() {
    RemoteOptions remote = options("remote: { url: \"http://10.0.0.5:8080\", model: iris }");

    assertThat(remote).isEqualTo(RemoteOptions.of("http://10.0.0.5:8080", "iris"));
    assertThat(remote.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(remote.maxAttempts()).isEqualTo(2);
    assertThat(remote.retryBackoff()).isEqualTo(Duration.ofMillis(10));
    assertThat(remote.version()).isNull();
  }

  @Test
  void aRemoteUrlMayComeFromTheEnvironment() {
    Map<String, GraphConfig> graphs =
        parse(
            "graphs: { g: { remote: { url: \"${IRIS_URL}\", model: iris } } }",
            Map.of("IRIS_URL", "http://iris:8080"));

    assertThat(((RemoteOptions) graphs.get("g").root().options()).url())
        .isEqualTo("http://iris:8080");
  }

  @Test
  void aRemoteIsChecked() {
    assertThat(
            graphViolations(
                "remote: { url: \"ftp://h\", max-attempts: 11, connect-timeout: 0s,"
                    + " retry-backoff: -1ms }"))
        .containsExactlyInAnyOrder(
            "graphs.g.remote.model: missing (expected: the model's name on that server)",
            "graphs.g.remote.url: 'ftp://h' (expected: an http or https URL of the server, such as"
                + " http://10.0.0.5:8080)",
            "graphs.g.remote.connect-timeout: 0s (expected: a duration such as 250ms, 2s, 5m, 1h"
                + " or PT2S, > 0)",
            "graphs.g.remote.max-attempts: 11 (expected: an integer from 1 to 10)",
            "graphs.g.remote.retry-backoff: -1ms (expected: a duration such as 250ms, 2s, 5m, 1h"
                + " or PT2S, >= 0)");
    assertThat(graphViolations("remote: { model: m, max-attempts: 0 }"))
        .containsExactly(
            "graphs.g.remote.url: missing (expected: an http or https URL of the server, such as"
                + " http://10.0.0.5:8080)",
            "graphs.g.remote.max-attempts: 0 (expected: an integer from 1 to 10)");
  }

  // ---- transforms

  @Test
  void readsRenameAndSelect() {
    assertThat(transform("rename: { a: b, c: d }"))
        .isEqualTo(new TransformConfig.Rename(Map.of("a", "b", "c", "d")));
    assertThat(transform("select: [b, a]"))
        .isEqualTo(new TransformConfig.Select(List.of("b", "a")));
  }

  @Test
  void readsConcatWithItsDefaultAxis() {
    assertThat(transform("concat: { tensors: [a, b], output: ab }"))
        .isEqualTo(new TransformConfig.Concat(List.of("a", "b"), 1, "ab"));
    assertThat(transform("concat: { tensors: [a, b], axis: 2, output: ab }"))
        .isEqualTo(new TransformConfig.Concat(List.of("a", "b"), 2, "ab"));
  }

  @Test
  void readsCast() {
    assertThat(transform("cast: { tensor: a, to: INT64, output: b }"))
        .isEqualTo(new TransformConfig.Cast("a", "INT64", "b"));
  }

  @Test
  void readsScale() {
    assertThat(transform("scale: { tensor: x, mean: [1, 2.5], std: [0.5], output: y }"))
        .isEqualTo(new TransformConfig.Scale("x", List.of(1.0, 2.5), List.of(0.5), "y"));
  }

  @Test
  void readsMinMaxWithItsDefaultRange() {
    TransformConfig.MinMax minMax =
        (TransformConfig.MinMax) transform("min-max: { tensor: x, min: [0, 1], max: [10, 2] }");
    assertThat(minMax)
        .isEqualTo(
            new TransformConfig.MinMax("x", List.of(0.0, 1.0), List.of(10.0, 2.0), null, null));
    assertThat(minMax.low()).isZero();
    assertThat(minMax.high()).isEqualTo(1);
    assertThat(transform("min-max: { tensor: x, min: [0], max: [1], range: [-1, 1], output: y }"))
        .isEqualTo(
            new TransformConfig.MinMax("x", List.of(0.0), List.of(1.0), List.of(-1.0, 1.0), "y"));
  }

  @Test
  void readsOneHotClassesAsACountOrAList() {
    assertThat(transform("one-hot: { tensor: c, classes: 3 }"))
        .isEqualTo(new TransformConfig.OneHot("c", List.of("0", "1", "2"), null));
    assertThat(transform("one-hot: { tensor: c, classes: [red, 7], output: o }"))
        .isEqualTo(new TransformConfig.OneHot("c", List.of("red", "7"), "o"));
  }

  @Test
  void readsAnImageWithEveryKey() {
    assertThat(
            transform(
                """
                image: { tensor: img, output: pixels, width: 320, height: 48, resize: pad,
                          channels: BGR, encoding: base64, scale: 1, mean: [0.5], std: [0.5],
                          layout: NHWC, pad-value: -1 }
                """))
        .isEqualTo(
            new TransformConfig.Image(
                "img",
                "pixels",
                320,
                48,
                "pad",
                "BGR",
                "base64",
                1.0,
                List.of(0.5),
                List.of(0.5),
                "NHWC",
                -1.0));
  }

  @Test
  void anImageGetsTheDocumentedDefaults() {
    assertThat(transform("image: { tensor: img, width: 224, height: 224 }"))
        .isEqualTo(TransformConfig.Image.of("img", 224, 224));
    TransformConfig.Image image = TransformConfig.Image.of("img", 224, 224);
    assertThat(image.resize()).isEqualTo("stretch");
    assertThat(image.channels()).isEqualTo("RGB");
    assertThat(image.encoding()).isEqualTo("auto");
    assertThat(image.scale()).isEqualTo(255);
    assertThat(image.layout()).isEqualTo("NCHW");
    assertThat(image.padValue()).isZero();
    assertThat(image.mean()).isEmpty();
  }

  @Test
  void readsSoftmaxArgmaxThresholdAndTopK() {
    assertThat(transform("softmax: { tensor: logits }"))
        .isEqualTo(new TransformConfig.Softmax("logits", -1, null));
    assertThat(transform("softmax: { tensor: logits, axis: 1, output: p }"))
        .isEqualTo(new TransformConfig.Softmax("logits", 1, "p"));
    assertThat(transform("argmax: { tensor: p, output: label }"))
        .isEqualTo(new TransformConfig.Argmax("p", "label", null));
    assertThat(transform("threshold: { tensor: p, value: 0.5, column: 1, output: hit }"))
        .isEqualTo(new TransformConfig.Threshold("p", 0.5, 1, "hit"));
    assertThat(transform("threshold: { tensor: p, value: 1 }"))
        .isEqualTo(new TransformConfig.Threshold("p", 1.0, null, null));
    assertThat(transform("top-k: { tensor: p, k: 5, output: top }"))
        .isEqualTo(new TransformConfig.TopK("p", 5, "top", null));
  }

  @Test
  void labelsResolveAgainstTheConfigFolder() {
    assertThat(transform("argmax: { tensor: p, labels: labels/classes.json }"))
        .isEqualTo(
            new TransformConfig.Argmax(
                "p", null, dir.resolve("labels/classes.json").toAbsolutePath()));
    assertThat(
            ((TransformConfig.TopK)
                    transform("top-k: { tensor: p, k: 1, output: t, labels: /l.txt }"))
                .labels())
        .isEqualTo(Path.of("/l.txt"));
  }

  @Test
  void customOptionsBecomePlainJavaValues() {
    TransformConfig.Custom custom =
        (TransformConfig.Custom)
            transform(
                "custom: { name: tokenizer, options: { size: 3, ratio: 0.5, on: true, name: x,"
                    + " list: [1, a], nested: { k: [true] } } }");

    assertThat(custom.name()).isEqualTo("tokenizer");
    assertThat(custom.options())
        .containsExactly(
            Map.entry("size", 3L),
            Map.entry("ratio", 0.5),
            Map.entry("on", true),
            Map.entry("name", "x"),
            Map.entry("list", List.of(1L, "a")),
            Map.entry("nested", Map.of("k", List.of(true))));
    assertThat(((TransformConfig.Custom) transform("custom: { name: t }")).options()).isEmpty();
  }

  @Test
  void anInstalledCustomTransformIsAKindUnderItsName() {
    assertThat(transform("pass-through: { keep: all }"))
        .isEqualTo(new TransformConfig.Plugin("pass-through", Map.of("keep", "all")));
    assertThat(transform("pass-through: {}"))
        .isEqualTo(new TransformConfig.Plugin("pass-through", Map.of()));
  }

  @Test
  void aTransformListHoldsOneKindPerItem() {
    assertThat(graphViolations("transform: []"))
        .containsExactly("graphs.g.transform: [] (expected: a non-empty list of transform steps)");
    String expected = "a transform step: one of " + TRANSFORMS + " as its key";
    assertThat(
            graphViolations(
                "transform:\n  - {}\n  - { softmax: { tensor: a }, argmax: { tensor: a } }\n"
                    + "  - blur: { radius: 2 }"))
        .containsExactly(
            "graphs.g.transform[0]: {} (expected: " + expected + ")",
            "graphs.g.transform[1]: the keys softmax, argmax (expected: exactly one of: "
                + TRANSFORMS
                + ")",
            "graphs.g.transform[2].blur: unknown kind (expected a transform step, one of the"
                + " installed kinds: "
                + TRANSFORMS
                + ")");
  }

  @Test
  void anUnknownTransformKeyNamesTheFullPath() {
    assertThat(
            graphViolations(
                """
                sequence:
                  prep:
                    transform:
                      - softmax: { tensor: x }
                      - scale: { tensor: x, mean: [0], std: [1], stdd: [2] }
                """))
        .containsExactly(
            "graphs.g.sequence.prep.transform[1].scale.stdd: unknown key (expected one of: tensor,"
                + " mean, std, output)");
  }

  @Test
  void scaleStdMustBeNonEmptyWithoutZero() {
    assertThat(
            graphViolations(
                """
                sequence:
                  prep:
                    transform:
                      - scale: { tensor: x, mean: [0], std: [1, 0] }
                      - scale: { tensor: x, mean: [0], std: [] }
                """))
        .containsExactly(
            "graphs.g.sequence.prep.transform[0].scale.std[1]: 0.0 (expected: a number other"
                + " than 0)",
            "graphs.g.sequence.prep.transform[1].scale.std: [] (expected: a non-empty list of"
                + " numbers)");
  }

  @Test
  void requiredTransformKeysAreReported() {
    assertThat(transformViolations("scale: { std: [1] }"))
        .containsExactly(
            "graphs.g.transform[0].scale.tensor: missing (expected: the name of the tensor to"
                + " read)",
            "graphs.g.transform[0].scale.mean: missing (expected: a non-empty list of numbers)");
    assertThat(transformViolations("concat: { tensors: [a] }"))
        .containsExactly(
            "graphs.g.transform[0].concat.tensors: [a] (expected: a list of at least 2 tensor"
                + " names)",
            "graphs.g.transform[0].concat.output: missing (expected: the name of the joined"
                + " tensor)");
    assertThat(transformViolations("top-k: { tensor: a }"))
        .containsExactly(
            "graphs.g.transform[0].top-k.k: missing (expected: an integer >= 1)",
            "graphs.g.transform[0].top-k.output: missing (expected: the name prefix of the"
                + " results)");
    assertThat(transformViolations("threshold: { tensor: a, column: -1 }"))
        .containsExactly(
            "graphs.g.transform[0].threshold.value: missing (expected: a number, such as 0.5)",
            "graphs.g.transform[0].threshold.column: -1 (expected: an integer >= 0)");
    assertThat(transformViolations("min-max: { tensor: a, max: [1] }"))
        .containsExactly(
            "graphs.g.transform[0].min-max.min: missing (expected: a non-empty list of numbers)");
    assertThat(transformViolations("min-max: { tensor: a, min: x }"))
        .containsExactly(
            "graphs.g.transform[0].min-max.min: 'x' (expected: a list)",
            "graphs.g.transform[0].min-max.max: missing (expected: a non-empty list of numbers)");
    assertThat(transformViolations("custom: { options: {} }"))
        .containsExactly(
            "graphs.g.transform[0].custom.name: missing (expected: the name of an installed"
                + " custom transform)");
  }

  @Test
  void transformValuesAreChecked() {
    assertThat(transformViolations("cast: { tensor: a, to: BYTES }"))
        .containsExactly(
            "graphs.g.transform[0].cast.to: 'BYTES' (expected: one of: BOOL, UINT8, UINT16,"
                + " UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16)");
    assertThat(transformViolations("concat: { tensors: [a, b], axis: 0, output: c }"))
        .containsExactly(
            "graphs.g.transform[0].concat.axis: 0 (expected: an integer >= 1 (axis 0 is the batch"
                + " and is not joined))");
    assertThat(transformViolations("softmax: { tensor: a, axis: 0 }"))
        .containsExactly(
            "graphs.g.transform[0].softmax.axis: 0 (expected: an axis other than 0 (the batch);"
                + " negative counts from the last, default -1)");
    assertThat(
            transformViolations("min-max: { tensor: a, min: [0, 5], max: [1, 5], range: [1, 0] }"))
        .containsExactly(
            "graphs.g.transform[0].min-max.max[1]: 5.0 (expected: > min[1])",
            "graphs.g.transform[0].min-max.range: [1.0, 0.0] (expected: [low, high] with low <"
                + " high, such as [0, 1])");
    assertThat(transformViolations("min-max: { tensor: a, min: [0, 5], max: [1] }"))
        .containsExactly(
            "graphs.g.transform[0].min-max.max: [1.0] (expected: as many values as min (2))");
    assertThat(transformViolations("min-max: { tensor: a, min: [0], max: [1], range: [0] }"))
        .containsExactly(
            "graphs.g.transform[0].min-max.range: [0.0] (expected: [low, high] with low < high,"
                + " such as [0, 1])");
    assertThat(transformViolations("one-hot: { tensor: a, classes: 0 }"))
        .containsExactly(
            "graphs.g.transform[0].one-hot.classes: 0 (expected: a count from 1 to 65536, or a"
                + " list of class values (text or integers))");
    assertThat(transformViolations("one-hot: { tensor: a, classes: [x, y, x] }"))
        .containsExactly(
            "graphs.g.transform[0].one-hot.classes[2]: 'x' (expected: each class once)");
    assertThat(transformViolations("rename: { a: c, b: c }"))
        .containsExactly(
            "graphs.g.transform[0].rename.b: 'c' (expected: a new name no other tensor gets)");
    assertThat(transformViolations("select: [a, a]"))
        .containsExactly("graphs.g.transform[0].select[1]: 'a' (expected: each name once)");
    assertThat(transformViolations("custom: { name: t, options: { a: null } }"))
        .containsExactly(
            "graphs.g.transform[0].custom.options.a: null (expected: a value: text, a number,"
                + " true, false, a list or a mapping)");
  }

  @Test
  void imageValuesAreChecked() {
    assertThat(
            transformViolations(
                "image: { tensor: i, width: 0, height: 9000, resize: crop, channels: rgb,"
                    + " encoding: hex, layout: CHW, scale: 0, mean: [1, 2], std: [1, 0, 1] }"))
        .containsExactly(
            "graphs.g.transform[0].image.width: 0 (expected: an integer from 1 to 8192)",
            "graphs.g.transform[0].image.height: 9000 (expected: an integer from 1 to 8192)",
            "graphs.g.transform[0].image.resize: 'crop' (expected: one of: stretch, pad)",
            "graphs.g.transform[0].image.channels: 'rgb' (expected: one of: RGB, BGR, GRAY)",
            "graphs.g.transform[0].image.encoding: 'hex' (expected: one of: auto, raw, base64)",
            "graphs.g.transform[0].image.layout: 'CHW' (expected: one of: NCHW, NHWC)",
            "graphs.g.transform[0].image.scale: 0.0 (expected: a number > 0, such as 255)",
            "graphs.g.transform[0].image.mean: [1.0, 2.0] (expected: 1 or 3 values (one per"
                + " channel))",
            "graphs.g.transform[0].image.std[1]: 0.0 (expected: a number other than 0)");
    assertThat(
            transformViolations(
                "image: { tensor: i, width: 8, height: 8, channels: GRAY, mean: [1, 2, 3] }"))
        .containsExactly(
            "graphs.g.transform[0].image.mean: [1.0, 2.0, 3.0] (expected: 1 value (one per"
                + " channel))");
    assertThat(transformViolations("image: { tensor: i }"))
        .containsExactly(
            "graphs.g.transform[0].image.width: missing (expected: an integer from 1 to 8192)",
            "graphs.g.transform[0].image.height: missing (expected: an integer from 1 to 8192)");
  }

  // ---- sequence

  @Test
  void readsASequenceInOrderWithItsPlaceKeys() {
    SequenceOptions sequence =
        options(
            """
            sequence:
              prep: { transform: [ { softmax: { tensor: x } } ] }
              classify:
                model: iris
                when: "inputs.float_input[0][2] > 2.5"
                inputs: { float_input: prep.x, raw: request.a.b }
              explain:
                model: explainer
                when: "outputs.classify.label[0] == 'virginica'"
                active: false
            """);

    assertThat(sequence.steps().keySet()).containsExactly("prep", "classify", "explain");
    Step classify = sequence.steps().get("classify");
    assertThat(classify.node()).isEqualTo(model("iris"));
    assertThat(classify.when().source()).isEqualTo("inputs.float_input[0][2] > 2.5");
    assertThat(classify.inputs())
        .containsExactly(
            Map.entry("float_input", new TensorRef("prep", "x")),
            Map.entry("raw", new TensorRef("request", "a.b")));
    assertThat(classify.active()).isTrue();
    assertThat(sequence.steps().get("explain").active()).isFalse();
    assertThat(sequence.steps().get("explain").when().reads())
        .containsExactly(new TensorRead("classify", "label", List.of(0L), true));
    assertThat(sequence.steps().get("prep").when()).isNull();
  }

  @Test
  void aYamlBooleanIsALiteralRule() {
    SequenceOptions sequence = options("sequence:\n  s: { model: a, when: false }");

    assertThat(sequence.steps().get("s").when().source()).isEqualTo("false");
  }

  @Test
  void aStepHasNoBranchKeys() {
    assertThat(graphViolations("sequence:\n  s: { model: a, weight: 2 }"))
        .containsExactly(
            "graphs.g.sequence.s.weight: unknown key (expected one of: "
                + KINDS
                + ", timeout, when, inputs, active)");
  }

  @Test
  void aStepInputNamesTheRequestOrAnEarlierStep() {
    assertThat(
            graphViolations(
                """
                sequence:
                  a: { model: m, inputs: { x: b.y } }
                  b: { model: m, inputs: { x: nowhere.y, z: request.z, w: a.w } }
                """))
        .containsExactly(
            "graphs.g.sequence.a.inputs.x: 'b.y' (expected: request.TENSOR or STEP.TENSOR of an"
                + " earlier step, one of: request)",
            "graphs.g.sequence.b.inputs.x: 'nowhere.y' (expected: request.TENSOR or STEP.TENSOR"
                + " of an earlier step, one of: request, a)");
  }

  @Test
  void aStepInputIsNodeDotTensor() {
    assertThat(graphViolations("sequence:\n  s: { model: m, inputs: { x: y, z: 3 } }"))
        .containsExactly(
            "graphs.g.sequence.s.inputs.x: 'y' (expected: NODE.TENSOR, NODE being request or a"
                + " step name)",
            "graphs.g.sequence.s.inputs.z: '3' (expected: NODE.TENSOR, NODE being request or a"
                + " step name)");
  }

  @Test
  void aStepRuleReadsOnlyEarlierStepsOutputs() {
    assertThat(
            graphViolations(
                """
                sequence:
                  a: { model: m, when: "outputs.b.y[0] > 1" }
                  b: { model: m, when: "outputs.a.y[0] > 1 && outputs.a.z[0] == 1" }
                """))
        .containsExactly(
            "graphs.g.sequence.a.when: 'outputs.b.y[0] > 1' (expected: outputs of earlier steps"
                + " only; 'b' is not an earlier step)");
  }

  @Test
  void stepNamesAreChecked() {
    assertThat(graphViolations("sequence:\n  request: { model: m }\n  \"a.b\": { model: m }"))
        .containsExactly(
            "graphs.g.sequence.request: 'request' (expected: a step name of 1 to 128 letters,"
                + " digits, '_' or '-', other than 'request')",
            "graphs.g.sequence.a.b: 'a.b' (expected: a step name of 1 to 128 letters, digits, '_'"
                + " or '-', other than 'request')");
  }

  @Test
  void aSequenceNeedsAStep() {
    assertThat(graphViolations("sequence: {}"))
        .containsExactly(
            "graphs.g.sequence: {} (expected: a mapping of at least one step name to step, in"
                + " order)");
    assertThat(graphViolations("sequence: [a]"))
        .containsExactly("graphs.g.sequence: a list (expected: a mapping)");
  }

  @Test
  void aRuleSyntaxErrorNamesThePath() {
    assertThat(graphViolations("sequence:\n  s: { model: m, when: \"inputs.x[0] >\" }"))
        .containsExactly(
            "graphs.g.sequence.s.when: 'inputs.x[0] >' (expected: a CEL expression of type bool:"
                + " mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true',"
                + " 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER} at"
                + " column 14)");
  }

  @Test
  void aRuleInTheSyntaxBeforeCelNamesThePathAndShowsTheRewrite() {
    assertThat(
            graphViolations(
                """
                switch:
                  rules:
                    - { when: "headers.x-tier == 'gold' and time >= '09:30'", model: m }
                  default: { model: m }
                """))
        .singleElement()
        .asString()
        .startsWith(
            "graphs.g.switch.rules[0].when: 'headers.x-tier == 'gold' and time >= '09:30''"
                + " (expected: a CEL expression of type bool: ")
        .endsWith(
            "; this is the rule syntax of mlsys before CEL, in CEL: headers['x-tier'] == 'gold'"
                + " && time >= duration('9h30m')");
  }

  @Test
  void aRuleThatIsNotBooleanIsAViolation() {
    assertThat(graphViolations("sequence:\n  s: { model: m, when: \"inputs.x[0][1] + 1\" }"))
        .containsExactly(
            "graphs.g.sequence.s.when: 'inputs.x[0][1] + 1' (expected: a CEL expression of type"
                + " bool: expected type 'bool' but found 'int' at column 16)");
    assertThat(graphViolations("sequence:\n  s: { model: m, when: \"inputs.x[0][1]\" }"))
        .containsExactly(
            "graphs.g.sequence.s.when: 'inputs.x[0][1]' is of type dyn (expected: a rule of type"
                + " bool; compare the value, e.g. parameters.fast == true); this is the rule syntax"
                + " of mlsys before CEL, in CEL: inputs.x[0][1] != 0");
  }

  @Test
  void wrongTypesOfPlaceKeysAreReported() {
    assertThat(graphViolations("sequence:\n  s: { model: m, active: 1, when: [a] }"))
        .containsExactly(
            "graphs.g.sequence.s.when: a list (expected: a string)",
            "graphs.g.sequence.s.active: 1 (expected: true or false)");
  }

  // ---- ensemble

  @Test
  void readsAnEnsembleInOrderWithItsPlaceKeys() {
    EnsembleOptions ensemble =
        options(
            """
            ensemble:
              branches:
                setosa: { model: iris_svc_0, weight: 2, inputs: { float_input: request.x } }
                versicolor: { model: iris_svc_1, policy: optional, active: false }
                virginica: { model: iris_svc_2, policy: required, weight: 0 }
              combine: { max: { output: output_probability, column: 0, score-output: proba } }
            """);

    assertThat(ensemble.branches().keySet()).containsExactly("setosa", "versicolor", "virginica");
    assertThat(ensemble.branches().values())
        .containsExactly(
            new Branch(
                model("iris_svc_0"),
                BranchPolicy.REQUIRED,
                true,
                2.0,
                Map.of("float_input", new TensorRef("request", "x"))),
            new Branch(model("iris_svc_1"), BranchPolicy.OPTIONAL, false, 1.0, null),
            new Branch(model("iris_svc_2"), BranchPolicy.REQUIRED, true, 0.0, null));
    assertThat(ensemble.combine())
        .isEqualTo(new CombinerConfig.Max("output_probability", 0, "proba", "label"));
  }

  @Test
  void readsEveryCombinerForm() {
    assertThat(combiner("all")).isEqualTo(new CombinerConfig.All());
    assertThat(combiner("first")).isEqualTo(new CombinerConfig.First());
    assertThat(combiner("{ all: {} }")).isEqualTo(new CombinerConfig.All());
    assertThat(combiner("{ first: {} }")).isEqualTo(new CombinerConfig.First());
    assertThat(combiner("{ mean: { output: p } }")).isEqualTo(new CombinerConfig.Mean("p"));
    assertThat(combiner("{ weighted-mean: { output: p } }"))
        .isEqualTo(new CombinerConfig.WeightedMean("p"));
    assertThat(combiner("{ vote: { output: label } }")).isEqualTo(new CombinerConfig.Vote("label"));
    assertThat(combiner("{ max: { output: p } }")).isEqualTo(CombinerConfig.Max.of("p"));
    assertThat(combiner("{ max: { output: p, column: 1, score-output: s, label-output: who } }"))
        .isEqualTo(new CombinerConfig.Max("p", 1, "s", "who"));
  }

  private CombinerConfig combiner(String yaml) {
    return this.<EnsembleOptions>options(
            "ensemble: { branches: { a: { model: m } }, combine: " + yaml + " }")
        .combine();
  }

  private List<String> combinerViolations(String yaml) {
    return graphViolations("ensemble: { branches: { a: { model: m } }, combine: " + yaml + " }");
  }

  @Test
  void combinersAreChecked() {
    String combiners = "all, first, mean, weighted-mean, vote, max";
    assertThat(combinerViolations("avg"))
        .containsExactly(
            "graphs.g.ensemble.combine: 'avg' (expected: a combiner config: one of "
                + combiners
                + " as its key)");
    assertThat(combinerViolations("{ mean: { output: a }, vote: { output: a } }"))
        .containsExactly(
            "graphs.g.ensemble.combine: the keys mean, vote (expected: exactly one of: "
                + combiners
                + ")");
    assertThat(combinerViolations("{ median: { output: a } }"))
        .containsExactly(
            "graphs.g.ensemble.combine.median: unknown kind (expected a combiner config, one of"
                + " the installed kinds: "
                + combiners
                + ")");
    assertThat(combinerViolations("{ all: true }"))
        .containsExactly("graphs.g.ensemble.combine.all: true (expected: {})");
    assertThat(combinerViolations("{ mean: {} }"))
        .containsExactly(
            "graphs.g.ensemble.combine.mean.output: missing (expected: the name of an output of"
                + " the branches)");
    assertThat(
            combinerViolations(
                "{ max: { output: p, column: -1, score-output: s, label-output: s } }"))
        .containsExactly(
            "graphs.g.ensemble.combine.max.column: -1 (expected: an integer >= 0)",
            "graphs.g.ensemble.combine.max.label-output: 's' (expected: a name other than"
                + " score-output)");
    assertThat(combinerViolations("{ vote: { output: a, column: 1 } }"))
        .containsExactly(
            "graphs.g.ensemble.combine.vote.column: unknown key (expected one of: output)");
  }

  @Test
  void anEnsembleNeedsBranchesAndACombiner() {
    assertThat(graphViolations("ensemble: {}"))
        .containsExactly(
            "graphs.g.ensemble.branches: missing (expected: a mapping of branch name to branch)",
            "graphs.g.ensemble.combine: missing (expected: all, first, or a mapping with one of:"
                + " all: {}, first: {}, mean: {output}, weighted-mean: {output}, vote: {output},"
                + " max: {output, column, score-output, label-output})");
    assertThat(graphViolations("ensemble: { branches: {}, combine: all }"))
        .containsExactly(
            "graphs.g.ensemble.branches: {} (expected: a mapping of at least one branch name to"
                + " branch)");
  }

  @Test
  void aNegativeWeightNamesTheBranch() {
    assertThat(
            violations(
                """
                graphs:
                  iris:
                    ensemble:
                      branches:
                        setosa: { model: a, weight: -0.5 }
                        virginica: { model: b, weight: heavy }
                      combine: { weighted-mean: { output: p } }
                """))
        .containsExactly(
            "graphs.iris.ensemble.branches.setosa.weight: -0.5 (expected: a finite number >= 0)",
            "graphs.iris.ensemble.branches.virginica.weight: 'heavy' (expected: a number)");
  }

  @Test
  void branchPlaceKeysAreChecked() {
    assertThat(
            graphViolations(
                """
                ensemble:
                  branches:
                    a: { model: m, policy: maybe, when: "true" }
                    b: { model: m, inputs: { x: prep.x } }
                  combine: all
                """))
        .containsExactly(
            "graphs.g.ensemble.branches.a.policy: 'maybe' (expected: one of: required, optional)",
            "graphs.g.ensemble.branches.a.when: unknown key (expected one of: "
                + KINDS
                + ", timeout, policy, active, weight, inputs)",
            "graphs.g.ensemble.branches.b.inputs.x: 'prep.x' (expected: request.TENSOR: branches"
                + " read the request only)");
    assertThat(
            graphViolations(
                "ensemble: { branches: { a: { model: m }, \"b.c\": { model: m } }, combine: all }"))
        .containsExactly(
            "graphs.g.ensemble.branches.b.c: 'b.c' (expected: a branch name of 1 to 128 letters,"
                + " digits, '_' or '-')");
  }

  // ---- switch

  @Test
  void readsASwitch() {
    SwitchOptions node =
        options(
            """
            switch:
              zone: Europe/Berlin
              rules:
                - { name: gold, when: "headers['x-tier'] in ['gold', 'platinum']", model: big }
                - { when: "time >= duration('9h') && time < duration('17h')", model: day, timeout: 1s }
              default: { model: small }
            """);

    assertThat(node.zone()).isEqualTo("Europe/Berlin");
    assertThat(node.rules())
        .extracting(SwitchOptions.Rule::name)
        .containsExactly("gold", "rules[1]");
    assertThat(node.rules().get(1).node())
        .isEqualTo(new NodeConfig(ModelOptions.of("day"), Duration.ofSeconds(1)));
    assertThat(node.rules().getFirst().when().uses(Condition.HEADERS)).isTrue();
    assertThat(node.defaultRoute()).isEqualTo(model("small"));
  }

  @Test
  void aSwitchMayHaveNoRulesAndDefaultsToUtc() {
    SwitchOptions node = options("switch: { rules: [], default: { model: m } }");

    assertThat(node.rules()).isEmpty();
    assertThat(node.zone()).isEqualTo("UTC");
    assertThat(this.<SwitchOptions>options("switch: { default: { model: m } }").rules()).isEmpty();
  }

  @Test
  void switchRulesAreChecked() {
    assertThat(
            graphViolations(
                """
                switch:
                  rules:
                    - { when: "inputs.x[0] >", model: m }
                    - { model: m, weight: 1 }
                    - { when: "outputs.a.b[0] == 1", model: m, name: b }
                    - { when: "true", model: m, name: default }
                  zone: Mars/Olympus
                """))
        .containsExactly(
            "graphs.g.switch.rules[0].when: 'inputs.x[0] >' (expected: a CEL expression of type"
                + " bool: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true',"
                + " 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER} at"
                + " column 14)",
            "graphs.g.switch.rules[1].when: missing (expected: a rule such as inputs.x[0] > 2.5)",
            "graphs.g.switch.rules[1].weight: unknown key (expected one of: "
                + KINDS
                + ", timeout, name, when)",
            "graphs.g.switch.rules[2].when: 'outputs.a.b[0] == 1' (expected: a rule on headers,"
                + " parameters, inputs or time; outputs.STEP is read only by sequence steps)",
            "graphs.g.switch.rules[3].name: 'default' (expected: each rule name once, not"
                + " 'default')",
            "graphs.g.switch.default: missing (expected: a graph node, answering when no rule"
                + " holds)",
            "graphs.g.switch.zone: 'Mars/Olympus' (expected: a time zone such as UTC,"
                + " Europe/Berlin or +02:00)");
  }

  @Test
  void switchRuleNamesAreUnique() {
    assertThat(
            graphViolations(
                """
                switch:
                  rules:
                    - { when: "true", model: m, name: b }
                    - { when: "true", model: m, name: b }
                  default: { model: m }
                """))
        .containsExactly(
            "graphs.g.switch.rules[1].name: 'b' (expected: each rule name once, not 'default')");
  }

  @Test
  void aSwitchDefaultIsANodeWithoutPlaceKeys() {
    assertThat(graphViolations("switch: { default: { model: m, when: \"true\" } }"))
        .containsExactly(
            "graphs.g.switch.default.when: unknown key (expected one of: " + KINDS + ", timeout)");
  }

  // ---- cascade

  @Test
  void readsACascade() {
    CascadeOptions cascade =
        options(
            """
            cascade:
              stage-output: answered_by
              stages:
                - { name: light, model: small, accept: { output: p, threshold: 0.9 } }
                - { name: heavy, model: big }
            """);

    assertThat(cascade.stages())
        .containsExactly(
            new Stage(model("small"), "light", new Accept("p", 0.9)),
            new Stage(model("big"), "heavy", null));
    assertThat(cascade.stageOutput()).isEqualTo("answered_by");
    assertThat(
            this.<CascadeOptions>options(
                    "cascade: { stages: [ { name: a, model: m, accept: { output: p,"
                        + " threshold: 1 } }, { name: b, model: m } ] }")
                .stageOutput())
        .isEqualTo("stage");
  }

  @Test
  void acceptIsRequiredOnEveryStageButTheLastAndNotAllowedThere() {
    assertThat(
            graphViolations(
                """
                cascade:
                  stages:
                    - { name: a, model: m }
                    - { name: b, model: m, accept: { output: p, threshold: 0.5 } }
                    - { name: c, model: m, accept: { output: p, threshold: 0.5 } }
                """))
        .containsExactly(
            "graphs.g.cascade.stages[0].accept: missing (expected: {output, threshold} on every"
                + " stage but the last)",
            "graphs.g.cascade.stages[2].accept: not allowed on the last stage (expected: none;"
                + " the last stage answers every row left)");
  }

  @Test
  void cascadeStagesAreChecked() {
    assertThat(graphViolations("cascade: { stages: [ { name: a, model: m } ] }"))
        .containsExactly("graphs.g.cascade.stages: 1 stage (expected: at least 2)");
    assertThat(
            graphViolations(
                """
                cascade:
                  stages:
                    - { model: m, accept: { output: p } }
                    - { name: b, model: m, accept: { threshold: x, output: p, extra: 1 } }
                    - { name: b, model: m }
                """))
        .containsExactly(
            "graphs.g.cascade.stages[0].accept.threshold: missing (expected: a number, such as"
                + " 0.9)",
            "graphs.g.cascade.stages[0].name: missing (expected: a stage name of 1 to 128 letters,"
                + " digits, '_' or '-')",
            "graphs.g.cascade.stages[1].accept.threshold: 'x' (expected: a number)",
            "graphs.g.cascade.stages[1].accept.extra: unknown key (expected one of: output,"
                + " threshold)");
    assertThat(
            graphViolations(
                """
                cascade:
                  stages:
                    - { name: b, model: m, accept: { output: p, threshold: 0.5 } }
                    - { name: b, model: m }
                """))
        .containsExactly("graphs.g.cascade.stages[1].name: 'b' (expected: each stage name once)");
    assertThat(graphViolations("cascade: { stages: {} }"))
        .containsExactly("graphs.g.cascade.stages: {} (expected: a list)");
  }

  // ---- nesting and all at once

  @Test
  void nodesNest() {
    SwitchOptions node =
        options(
            """
            switch:
              rules:
                - when: "parameters.explain == true"
                  sequence:
                    classify: { ensemble: { branches: { a: { model: m } }, combine: first } }
                    post: { transform: [ { argmax: { tensor: p } } ] }
              default:
                cascade:
                  stages:
                    - { name: a, remote: { url: "http://h", model: m }, accept: { output: p, threshold: 0.5 } }
                    - { name: b, model: m }
            """);

    SequenceOptions sequence = (SequenceOptions) node.rules().getFirst().node().options();
    assertThat(sequence.steps().get("classify").node().options())
        .isInstanceOf(EnsembleOptions.class);
    assertThat(((CascadeOptions) node.defaultRoute().options()).stages().getFirst().node())
        .isEqualTo(NodeConfig.of(RemoteOptions.of("http://h", "m")));
  }

  @Test
  void reportsEveryGraphViolationAtOnce() {
    assertThat(
            violations(
                """
                graphs:
                  a: { model: m, colour: red }
                  b: { remote: { model: m } }
                  c:
                    sequence:
                      s: { transform: [ { scale: { tensor: x, mean: [0], std: [0] } } ] }
                """))
        .containsExactly(
            "graphs.a.colour: unknown key (expected one of: " + KINDS + ", timeout)",
            "graphs.b.remote.url: missing (expected: an http or https URL of the server, such as"
                + " http://10.0.0.5:8080)",
            "graphs.c.sequence.s.transform[0].scale.std[0]: 0.0 (expected: a number other than"
                + " 0)");
  }

  // ---- robustness

  private static final String EVERY_KIND =
      """
      graphs:
        g:
          timeout: 1s
          sequence:
            prep:
              transform:
                - rename: { a: b }
                - select: [a]
                - concat: { tensors: [a, b], axis: 1, output: c }
                - cast: { tensor: a, to: FP32, output: b }
                - scale: { tensor: a, mean: [0], std: [1], output: b }
                - min-max: { tensor: a, min: [0], max: [1], range: [0, 1], output: b }
                - one-hot: { tensor: a, classes: [x, 1], output: b }
                - image: { tensor: a, output: b, width: 2, height: 2, resize: pad, channels: BGR,
                           encoding: raw, scale: 255, mean: [0], std: [1], layout: NHWC,
                           pad-value: 0 }
                - softmax: { tensor: a, axis: -1, output: b }
                - argmax: { tensor: a, output: b, labels: l.json }
                - threshold: { tensor: a, value: 0.5, column: 0, output: b }
                - top-k: { tensor: a, k: 1, output: b, labels: l.json }
                - custom: { name: c, options: { a: [1, { b: x }] } }
                - pass-through: { a: [1, { b: x }] }
            ens:
              when: "outputs.prep.a[0] > 1"
              inputs: { a: prep.a }
              active: true
              ensemble:
                branches:
                  a: { model: { name: m, version: 1, outputs: [p] }, policy: optional,
                       active: true, weight: 1, inputs: { x: request.x } }
                  b: { remote: { url: "http://h:1", model: m, version: 1, connect-timeout: 1s,
                                 max-attempts: 2, retry-backoff: 1ms } }
                combine: { max: { output: p, column: 0, score-output: s, label-output: l } }
            route:
              switch:
                rules: [ { name: r, when: "headers.a == 'b'", model: m } ]
                default: { model: m }
                zone: UTC
            casc:
              cascade:
                stage-output: stage
                stages:
                  - { name: a, model: m, accept: { output: p, threshold: 0.5 } }
                  - { name: b, model: m }
      """;

  @Test
  void anyValueReplacedByAnyTypeGivesAConfigOrAConfigException() throws Exception {
    YAMLMapper mapper = new YAMLMapper();
    JsonNode original = mapper.readTree(EVERY_KIND);
    assertThat(parse(EVERY_KIND)).containsKey("g");
    List<JsonNode> junk =
        List.of(
            mapper.readTree("null"),
            mapper.readTree("x"),
            mapper.readTree("-1"),
            mapper.readTree("true"),
            mapper.readTree("[1, y]"),
            mapper.readTree("{ a: 1 }"));
    List<List<Object>> paths = new ArrayList<>();
    collectPaths(original, new ArrayList<>(), paths);
    int failures = 0;
    for (List<Object> path : paths) {
      for (JsonNode value : junk) {
        JsonNode mutated = original.deepCopy();
        replace(mutated, path, value);
        String yaml = mapper.writeValueAsString(mutated);
        try {
          parse(yaml);
        } catch (ConfigException e) {
          failures++;
          assertThat(e.violations())
              .as("violations of %s = %s", path, value)
              .allSatisfy(violation -> assertThat(violation.path()).startsWith("graphs"));
        }
      }
    }
    assertThat(paths).hasSizeGreaterThan(150);
    assertThat(failures).isGreaterThan(paths.size());
  }

  private static void collectPaths(JsonNode node, List<Object> at, List<List<Object>> paths) {
    if (!at.isEmpty()) {
      paths.add(List.copyOf(at));
    }
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        at.add(entry.getKey());
        collectPaths(entry.getValue(), at, paths);
        at.removeLast();
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        at.add(i);
        collectPaths(node.get(i), at, paths);
        at.removeLast();
      }
    }
  }

  private static void replace(JsonNode root, List<Object> path, JsonNode value) {
    JsonNode parent = root;
    for (Object step : path.subList(0, path.size() - 1)) {
      parent = step instanceof Integer index ? parent.get(index) : parent.get((String) step);
    }
    Object last = path.getLast();
    if (last instanceof Integer index) {
      ((ArrayNode) parent).set(index, value);
    } else {
      ((ObjectNode) parent).set((String) last, value);
    }
  }
}
