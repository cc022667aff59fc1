package io.mlsys.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mlsys.core.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Floats and doubles are formatted in chunks (see {@code OipWriter.writeFloats}): the text is the
 * generator's own, number by number, for every bit pattern and across chunk boundaries.
 */
class OipWriterFloatsTest {
  private final OipJson oip = OipJson.create();

  private static String perNumber(String name, String datatype, int length, NumberWriter numbers)
      throws IOException {
    return new String(
        Json.write(
            Json.newFactory(),
            g -> {
              g.writeStartArray();
              g.writeStartObject();
              g.writeStringField("name", name);
              g.writeStringField("datatype", datatype);
              g.writeArrayFieldStart("shape");
              g.writeNumber(length);
              g.writeEndArray();
              g.writeArrayFieldStart("data");
              for (int i = 0; i < length; i++) {
                numbers.write(g, i);
              }
              g.writeEndArray();
              g.writeEndObject();
              g.writeEndArray();
            }),
        StandardCharsets.UTF_8);
  }

  @FunctionalInterface
  private interface NumberWriter {
    void write(JsonGenerator g, int i) throws IOException;
  }

  @Test
  void floatsAreWrittenAsTheGeneratorWritesEachOne() throws IOException {
    SplittableRandom random = new SplittableRandom(4);
    for (int length : new int[] {0, 1, 1023, 1024, 1025, 5000}) {
      float[] values = new float[length];
      for (int i = 0; i < length; i++) {
        values[i] =
            i % 7 == 3
                ? new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0f, 1e7f}[i % 4]
                : Float.intBitsToFloat(random.nextInt());
      }
      String written =
          new String(
              oip.writeTensors(List.of(Tensor.ofFloats("f", new long[] {length}, values))),
              StandardCharsets.UTF_8);
      assertThat(written)
          .isEqualTo(perNumber("f", "FP32", length, (g, i) -> g.writeNumber(values[i])));
    }
  }

  @Test
  void doublesAreWrittenAsTheGeneratorWritesEachOne() throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    for (int length : new int[] {0, 1, 1024, 3001}) {
      double[] values = new double[length];
      for (int i = 0; i < length; i++) {
        values[i] =
            i % 5 == 2
                ? new double[] {Double.NaN, Double.NEGATIVE_INFINITY, 4.9e-324}[i % 3]
                : Double.longBitsToDouble(random.nextLong());
      }
      String written =
          new String(
              oip.writeTensors(List.of(Tensor.ofDoubles("d", new long[] {length}, values))),
              StandardCharsets.UTF_8);
      assertThat(written)
          .isEqualTo(perNumber("d", "FP64", length, (g, i) -> g.writeNumber(values[i])));
    }
  }
}
