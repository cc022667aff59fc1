package io.mlsys.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.Tensor;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real photo of ../shared/fixtures/images/cat.jpg, prepared as for an ImageNet model. */
class CatImageTest {
  private static final List<Double> MEAN = List.of(0.485, 0.456, 0.406);
  private static final List<Double> STD = List.of(0.229, 0.224, 0.225);

  private static final TransformConfig.Image IMAGENET =
      new TransformConfig.Image(
          "image", "x", 224, 224, "stretch", "RGB", "auto", 255.0, MEAN, STD, "NCHW", 0.0);

  private static Tensor prepare(byte[] element) {
    return Steps.run("x", List.of(Images.tensor(element)), IMAGENET);
  }

  @Test
  void decodesThePhotoAtItsSize() throws IOException {
    byte[] file = Files.readAllBytes(Fixtures.require("images/cat.jpg"));

    Pixels pixels =
        ImageDecoder.decode(
            file, ImageDecoder.Encoding.AUTO, "image", 0, new StepPath("[0].image"));

    assertThat(pixels.width()).isEqualTo(768);
    assertThat(pixels.height()).isEqualTo(1024);
    assertThat(pixels.channels()).isEqualTo(3);
  }

  @Test
  void becomesANormalizedNchwTensor() throws IOException {
    Path cat = Fixtures.require("images/cat.jpg");

    Tensor x = prepare(Files.readAllBytes(cat));

    assertThat(x.shape()).containsExactly(1, 3, 224, 224);
    int plane = 224 * 224;
    float[] values = x.floats();
    for (int c = 0; c < 3; c++) {
      // A pixel of 0 or 255 gives (0 - mean) / std or (1 - mean) / std.
      float low = (float) ((0 - MEAN.get(c)) / STD.get(c)) - 1e-5f;
      float high = (float) ((1 - MEAN.get(c)) / STD.get(c)) + 1e-5f;
      double sum = 0;
      double squares = 0;
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        min = Math.min(min, values[i]);
        max = Math.max(max, values[i]);
        sum += values[i];
        squares += values[i] * values[i];
      }
      assertThat(min).isGreaterThanOrEqualTo(low);
      assertThat(max).isLessThanOrEqualTo(high);
      double mean = sum / plane;
      double spread = Math.sqrt(squares / plane - mean * mean);
      // A photo, not a flat colour: its channels vary and stay near the ImageNet statistics.
      assertThat(mean).isBetween(-1.5, 1.5);
      assertThat(spread).isBetween(0.2, 2.0);
    }
  }

  @Test
  void base64OfThePhotoGivesTheSameTensor() throws IOException {
    byte[] file = Files.readAllBytes(Fixtures.require("images/cat.jpg"));
    byte[] text = Base64.getMimeEncoder().encodeToString(file).getBytes(StandardCharsets.US_ASCII);

    assertThat(prepare(text).floats()).isEqualTo(prepare(file).floats());
  }
}
