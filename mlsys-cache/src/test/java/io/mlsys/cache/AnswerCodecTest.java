package io.mlsys.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswerCodecTest {
  private static final Instant FRESH_UNTIL = Instant.parse("2026-01-01T00:01:00Z");

  private static InferResponse everyDatatype() {
    long[] two = {2};
    return new InferResponse(
        "m",
        "3",
        "id-not-kept",
        List.of(
            Tensor.ofBools("bool", two, true, false),
            new Tensor("u8", DataType.UINT8, two, new TensorData.Bytes(new byte[] {-1, 7})),
            new Tensor("f16", DataType.FP16, two, new TensorData.Shorts(new short[] {15360, -1})),
            Tensor.ofInts("i32", two, Integer.MIN_VALUE, 3),
            new Tensor(
                "u64",
                DataType.UINT64,
                two,
                new TensorData.Longs(new long[] {-1L, 5}),
                Map.of("p", 1L)),
            Tensor.ofFloats("f32", new long[] {1, 2}, 0.5f, Float.NaN),
            Tensor.ofDoubles("f64", two, -0.0, 1e300),
            Tensor.ofStrings("s", new long[] {3}, "", "é", "abc")),
        Map.of("s", "x", "b", true, "l", 42L, "d", 0.25));
  }

  @Test
  void everyDatatypeRoundTripsWithoutTheRequestId() {
    InferResponse response = everyDatatype();
    byte[] bytes = AnswerCodec.encode(response, FRESH_UNTIL);

    assertThat(bytes).hasSize(AnswerCodec.size(response));
    AnswerCodec.Entry entry = AnswerCodec.decode(bytes);
    assertThat(entry.freshUntil()).isEqualTo(FRESH_UNTIL);
    assertThat(entry.response().id()).isNull();
    assertThat(entry.response().modelName()).isEqualTo("m");
    assertThat(entry.response().modelVersion()).isEqualTo("3");
    assertThat(entry.response().parameters()).isEqualTo(response.parameters());
    assertThat(entry.response().outputs()).isEqualTo(response.outputs());
  }

  @Test
  void aTruncatedOrForeignEntryReadsAsAbsent() {
    byte[] bytes = AnswerCodec.encode(everyDatatype(), FRESH_UNTIL);

    for (int length = 0; length < bytes.length; length += 7) {
      assertThat(AnswerCodec.decode(Arrays.copyOf(bytes, length))).isNull();
    }
    byte[] otherFormat = bytes.clone();
    otherFormat[0] = 9;
    assertThat(AnswerCodec.decode(otherFormat)).isNull();
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThat(AnswerCodec.decode(longer)).isNull();
  }
}
