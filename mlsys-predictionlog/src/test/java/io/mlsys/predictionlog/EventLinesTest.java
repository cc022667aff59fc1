package io.mlsys.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.FetchedFeatures;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The JSON lines of events are byte for byte what schema version 2 wrote when the event factory
 * still built a tree of every tensor: {@code prediction-events-v2-lines.jsonl} was written by that
 * version from the calls below (every datatype, non-finite and extreme floats, base64 strings,
 * redacted, hashed and dropped fields, failures, features).
 */
class EventLinesTest {
  static final String GOLDEN = "/fixtures/prediction-events-v2-lines.jsonl";
  private static final Instant START = Instant.parse("2026-12-07T10:00:00.000123Z");

  static List<PredictionCall> calls() {
    SplittableRandom random = new SplittableRandom(11);
    List<PredictionCall> calls = new ArrayList<>();
    float[] floats = new float[240];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-12, 12)));
    }
    float[] special = {
      0f,
      -0f,
      1f,
      -1f,
      0.1f,
      1e-3f,
      9.999e-4f,
      1e7f,
      9_999_999f,
      1.0E23f,
      Float.MIN_VALUE,
      Float.MIN_NORMAL,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.NaN,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      5.1f,
      3.5f,
      1.4f,
      0.2f,
      123456.7f,
      2.5e-8f,
      33.333332f
    };
    double[] doubles = {0, -0.0, 0.1, 1e-300, 4.9e-324, Double.MAX_VALUE, 1e22, 1e23, Math.PI};
    List<Tensor> everyType =
        List.of(
            Tensor.ofFloats("f", new long[] {4, 60}, floats),
            Tensor.ofFloats("special", new long[] {special.length}, special),
            Tensor.ofDoubles("d", new long[] {doubles.length}, doubles),
            Tensor.ofLongs("i64", new long[] {3}, Long.MIN_VALUE, 0, Long.MAX_VALUE),
            new Tensor(
                "u64", DataType.UINT64, new long[] {2}, new TensorData.Longs(new long[] {-1L, 7})),
            Tensor.ofInts("i32", new long[] {2}, Integer.MIN_VALUE, 42),
            new Tensor(
                "u8",
                DataType.UINT8,
                new long[] {3},
                new TensorData.Bytes(new byte[] {(byte) 255, 0, 7})),
            new Tensor(
                "fp16",
                DataType.FP16,
                new long[] {2},
                new TensorData.Shorts(new short[] {0x3c00, (short) 0xc000})),
            Tensor.ofBools("b", new long[] {2}, true, false),
            Tensor.ofStrings("s", new long[] {3}, "plain", "quote \" \\ \n tab\t", "é 漢字 😀"),
            Tensor.ofByteStrings("raw", new long[] {1}, new byte[] {(byte) 0xff, 0, 1}),
            new Tensor(
                "p",
                DataType.FP32,
                new long[] {1},
                new TensorData.Floats(new float[] {1.5f}),
                Map.of("unit", "cm")));
    PredictionLogOptions full = PredictionLogOptions.defaults();
    calls.add(call("every-type", everyType, everyType, null, full, false, null));
    calls.add(
        call(
            "redacted-and-hashed",
            everyType,
            everyType,
            null,
            full.withFields(FieldPolicy.HASHED, FieldPolicy.FULL).withRedact(List.of("s", "d")),
            false,
            null));
    calls.add(
        call(
            "hashed-outputs",
            everyType,
            everyType,
            null,
            full.withFields(FieldPolicy.FULL, FieldPolicy.HASHED).withRedact(List.of("f")),
            false,
            null));
    calls.add(
        call(
            "sampled",
            everyType,
            everyType,
            null,
            full.withFields(FieldPolicy.SAMPLED, FieldPolicy.SAMPLED),
            true,
            null));
    calls.add(
        call(
            "not-sampled",
            everyType,
            everyType,
            null,
            full.withFields(FieldPolicy.SAMPLED, FieldPolicy.DROPPED),
            false,
            null));
    calls.add(
        call(
            "failed",
            everyType,
            null,
            new DeadlineExceededException("model \"iris\"\nwaited"),
            full,
            false,
            null));
    calls.add(
        call(
            "features",
            List.of(everyType.getFirst()),
            List.of(),
            null,
            full,
            false,
            new FetchedFeatures(
                "lookup",
                List.of("a", "b"),
                List.of(
                    new FetchedFeatures.Entity(
                        "e1", List.of(1.5, Double.NaN, -0.25), List.of("hit"), "redis")))));
    return calls;
  }

  private static PredictionCall call(
      String id,
      List<Tensor> inputs,
      List<Tensor> outputs,
      Throwable error,
      PredictionLogOptions options,
      boolean sampled,
      FetchedFeatures features) {
    InferRequest request = new InferRequest(id, inputs, List.of(), Map.of());
    InferResponse response =
        outputs == null ? null : new InferResponse("ocr", "3", id, outputs, Map.of());
    return new PredictionCall(
        "ocr",
        "3",
        request,
        response,
        error,
        START,
        START.plus(Duration.ofNanos(1_234_567)),
        "srv-" + id,
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "alice",
        "graphs.g.steps[0]",
        "b",
        Map.of("x-tenant", "acme \"1\""),
        options,
        sampled,
        features);
  }

  static List<String> lines() {
    EventFactory factory = new EventFactory(new SplittableRandom(5));
    return calls().stream().map(factory::event).map(PredictionEvent::toJson).toList();
  }

  private static List<String> golden() throws IOException {
    try (InputStream in = EventLinesTest.class.getResourceAsStream(GOLDEN)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void linesAreByteForByteThoseOfTheTreeBuildingFactory() throws IOException {
    assertThat(lines()).containsExactlyElementsOf(golden());
  }

  @Test
  void aLineReadBackIsWrittenAgainUnchanged() throws IOException {
    for (String line : golden()) {
      PredictionEvent event = PredictionEvent.fromJson(line);
      assertThat(event.toJson()).isEqualTo(line);
      assertThat(new String(event.toJsonBytes(), StandardCharsets.UTF_8)).isEqualTo(line);
    }
  }

  @Test
  void eventsMadeAndEventsReadAreEqualAndGiveTheSameTrees() throws IOException {
    EventFactory factory = new EventFactory(new SplittableRandom(5));
    List<String> golden = golden();
    List<PredictionCall> calls = calls();
    for (int i = 0; i < calls.size(); i++) {
      PredictionEvent made = factory.event(calls.get(i));
      PredictionEvent read = PredictionEvent.fromJson(golden.get(i));
      assertThat(made.inputs()).isEqualTo(read.inputs());
      assertThat(made.outputs()).isEqualTo(read.outputs());
      assertThat(made.features()).isEqualTo(read.features());
      assertThat(made).isEqualTo(read).hasSameHashCodeAs(read);
      if (made.inputs() != null) {
        // The tree is parsed once and shared.
        assertThat(made.inputs()).isSameAs(made.inputs());
        assertThat(made.inputsJson()).isEqualTo(made.inputs().toString());
      }
    }
  }

  /** Random floats of every magnitude: the JSON the event keeps is what a tree would write. */
  @Test
  void floatTextIsWhatATreeOfTheSameJsonWrites() throws IOException {
    SplittableRandom random = new SplittableRandom(99);
    float[] values = new float[20_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = Float.intBitsToFloat(random.nextInt());
    }
    double[] doubles = new double[20_000];
    for (int i = 0; i < doubles.length; i++) {
      doubles[i] = Double.longBitsToDouble(random.nextLong());
    }
    List<Tensor> tensors =
        List.of(
            Tensor.ofFloats("f", new long[] {values.length}, values),
            Tensor.ofDoubles("d", new long[] {doubles.length}, doubles));
    PredictionEvent event =
        new EventFactory(new SplittableRandom(1))
            .event(
                call(
                    "random",
                    tensors,
                    tensors,
                    null,
                    PredictionLogOptions.defaults(),
                    false,
                    null));
    String written = event.inputsJson();
    assertThat(written)
        .isEqualTo(PredictionEvent.mapper().readTree(written).toString())
        .isEqualTo(
            new String(
                io.mlsys.protocol.OipJson.create().writeTensors(tensors), StandardCharsets.UTF_8));
  }
}
