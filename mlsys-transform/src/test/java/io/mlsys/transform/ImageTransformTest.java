package io.mlsys.transform;

import static io.mlsys.transform.Images.png;
import static io.mlsys.transform.Images.run;
import static io.mlsys.transform.Images.solid;
import static io.mlsys.transform.Images.step;
import static io.mlsys.transform.Images.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageTransformTest {
  private static final int RED = 0xFF0000;

  /** The values of one channel plane of image {@code n} of an NCHW result. */
  private static float[] plane(Tensor nchw, int n, int channel) {
    long[] s = nchw.shape();
    int size = (int) (s[2] * s[3]);
    int from = (int) ((n * s[1] + channel) * size);
    return Arrays.copyOfRange(nchw.floats(), from, from + size);
  }

  private static float[] filled(int size, float value) {
    float[] values = new float[size];
    Arrays.fill(values, value);
    return values;
  }

  @Test
  void aRedPngGivesAFullRedPlaneAndEmptyOthers() {
    Tensor out = run(tensor(png(solid(4, 2, RED))), step(4, 2, "RGB"));

    assertThat(out.datatype()).isEqualTo(DataType.FP32);
    assertThat(out.shape()).containsExactly(1, 3, 2, 4);
    assertThat(plane(out, 0, 0)).containsExactly(filled(8, 1f));
    assertThat(plane(out, 0, 1)).containsExactly(filled(8, 0f));
    assertThat(plane(out, 0, 2)).containsExactly(filled(8, 0f));
  }

  @Test
  void bgrPutsRedLast() {
    Tensor out = run(tensor(png(solid(2, 2, RED))), step(2, 2, "BGR"));

    assertThat(plane(out, 0, 0)).containsExactly(filled(4, 0f));
    assertThat(plane(out, 0, 2)).containsExactly(filled(4, 1f));
  }

  @Test
  void grayUsesTheLumaWeightsOfPil() {
    Tensor out = run(tensor(png(solid(2, 2, RED))), step(2, 2, "GRAY"));

    // (255 * 19595 + 0x8000) >> 16 = 76, as PIL's convert("L") gives for pure red.
    assertThat(out.shape()).containsExactly(1, 1, 2, 2);
    assertThat(out.floats()).containsExactly(filled(4, 76 / 255f));
  }

  @Test
  void grayImagesKeepTheirSampleValues() {
    Tensor out =
        run(
            tensor(png(Images.grayRow(0, 128, 255))),
            step(3, 1, "stretch", "RGB", "auto", 1, null, null, "NCHW", 0));

    assertThat(plane(out, 0, 0)).containsExactly(0f, 128f, 255f);
    assertThat(plane(out, 0, 2)).containsExactly(0f, 128f, 255f);
  }

  @Test
  void decodesAJpeg() {
    Tensor out = run(tensor(Images.jpeg(solid(16, 16, RED))), step(16, 16, "RGB"));

    // JPEG is lossy: pure red comes back close to (1, 0, 0).
    assertThat(plane(out, 0, 0)).containsExactly(filled(256, 1f), within(0.03f));
    assertThat(plane(out, 0, 1)).containsExactly(filled(256, 0f), within(0.03f));
  }

  @Test
  void decodesStandardBase64() {
    String text = Base64.getEncoder().encodeToString(png(solid(2, 1, RED)));

    Tensor out = run(Images.text(text), step(2, 1, "RGB"));

    assertThat(plane(out, 0, 0)).containsExactly(1f, 1f);
  }

  @Test
  void decodesUrlSafeBase64WithoutPadding() {
    byte[] file = png(solid(3, 1, 0x00FF00));
    String text = Base64.getUrlEncoder().withoutPadding().encodeToString(file);

    Tensor out =
        run(Images.text(text), step(3, 1, "stretch", "RGB", "base64", 255, null, null, "NCHW", 0));

    assertThat(plane(out, 0, 1)).containsExactly(1f, 1f, 1f);
  }

  @Test
  void decodesADataUri() {
    String text =
        "data:image/png;base64," + Base64.getEncoder().encodeToString(png(solid(1, 1, RED)));

    assertThat(run(Images.text(text), step(1, 1, "RGB")).floats()).containsExactly(1f, 0f, 0f);
  }

  @Test
  void everyRowOfABatchIsDecoded() {
    Tensor batch =
        new Tensor(
            "image",
            DataType.BYTES,
            new long[] {2, 1},
            new TensorData.ByteStrings(
                new byte[][] {png(solid(5, 5, RED)), png(solid(2, 3, 0x0000FF))}));

    Tensor out = run(batch, step(2, 2, "RGB"));

    assertThat(out.shape()).containsExactly(2, 3, 2, 2);
    assertThat(plane(out, 0, 0)).containsExactly(filled(4, 1f));
    assertThat(plane(out, 1, 0)).containsExactly(filled(4, 0f));
    assertThat(plane(out, 1, 2)).containsExactly(filled(4, 1f));
  }

  @Test
  void stretchingIsBilinearWithAlignedPixelCentres() {
    // Source x of target x: (x + 0.5) / 2 - 0.5 = -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    Tensor out =
        run(
            tensor(png(Images.grayRow(0, 200))),
            step(4, 1, "stretch", "GRAY", "raw", 1, null, null, "NCHW", 0));

    assertThat(out.floats()).containsExactly(0f, 50f, 150f, 200f);
  }

  @Test
  void shrinkingSamplesBetweenTheTwoNearestPixels() {
    // Source x of target x: (x + 0.5) * 2 - 0.5 = 0.5, 2.5.
    Tensor out =
        run(
            tensor(png(Images.grayRow(0, 100, 200, 250))),
            step(2, 1, "stretch", "GRAY", "raw", 1, null, null, "NCHW", 0));

    assertThat(out.floats()).containsExactly(50f, 225f);
  }

  @Test
  void padKeepsTheAspectRatioAndPadsTheRight() {
    // 4x2 to height 4: width ceil(4 * 4 / 2) = 8 of 16, the rest is the pad value.
    Tensor out =
        run(
            tensor(png(solid(4, 2, 0xFFFFFF))),
            step(16, 4, "pad", "GRAY", "auto", 255, null, null, "NCHW", -1));

    assertThat(out.shape()).containsExactly(1, 1, 4, 16);
    float[] row = Arrays.copyOfRange(out.floats(), 0, 16);
    float[] expected = filled(16, -1f);
    Arrays.fill(expected, 0, 8, 1f);
    assertThat(row).containsExactly(expected);
  }

  @Test
  void padNeverGoesWiderThanTheWidth() {
    Tensor out =
        run(
            tensor(png(solid(20, 2, 0xFFFFFF))),
            step(16, 4, "pad", "GRAY", "auto", 255, null, null, "NCHW", -1));

    assertThat(out.floats()).containsExactly(filled(64, 1f));
  }

  @Test
  void paddleOcrNormalizationMapsPixelsToMinusOneToOne() {
    int rgb = (51 << 16) | (102 << 8) | 153;

    Tensor out =
        run(
            tensor(png(solid(1, 1, rgb))),
            step(1, 1, "stretch", "RGB", "auto", 255, List.of(0.5), List.of(0.5), "NCHW", 0));

    // (v / 255 - 0.5) / 0.5 for 51, 102, 153 (0.2, 0.4, 0.6 of 255).
    assertThat(out.floats()).containsExactly(new float[] {-0.6f, -0.2f, 0.2f}, within(1e-6f));
  }

  @Test
  void meanAndStdApplyPerOutputChannel() {
    int rgb = (255 << 16) | (0 << 8) | 51;

    Tensor out =
        run(
            tensor(png(solid(1, 1, rgb))),
            step(
                1,
                1,
                "stretch",
                "BGR",
                "auto",
                255,
                List.of(0.2, 0.0, 0.5),
                List.of(0.5, 1.0, 0.25),
                "NCHW",
                0));

    // BGR: B = 51/255 = 0.2, G = 0, R = 1.
    assertThat(out.floats()).containsExactly(new float[] {0f, 0f, 2f}, within(1e-6f));
  }

  @Test
  void nhwcKeepsThePixelsChannelsTogether() {
    int rgb = (10 << 16) | (20 << 8) | 30;

    Tensor out =
        run(
            tensor(png(solid(2, 1, rgb))),
            step(2, 1, "stretch", "RGB", "auto", 1, null, null, "NHWC", 0));

    assertThat(out.shape()).containsExactly(1, 1, 2, 3);
    assertThat(out.floats()).containsExactly(10f, 20f, 30f, 10f, 20f, 30f);
  }

  @Test
  void anOutputNameKeepsTheEncodedImages() {
    TransformConfig.Image named =
        new TransformConfig.Image(
            "image", "x", 1, 1, null, null, null, 255.0, null, null, null, 0.0);
    Tensor input = tensor(png(solid(1, 1, RED)));

    List<Tensor> out = Steps.pipeline(named).apply(List.of(input));

    assertThat(out).extracting(Tensor::name).containsExactly("image", "x");
  }

  @Test
  void aDamagedImageIsInvalidInputNamingItsRow() {
    byte[] good = png(solid(4, 4, RED));
    byte[] damaged = Arrays.copyOf(good, 40);
    TransformPipeline pipeline = Steps.pipeline(step(4, 4, "RGB"));

    assertThatThrownBy(() -> pipeline.apply(List.of(tensor(good, damaged))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.image: row 1 is a damaged or unsupported JPEG or PNG image")
        .hasMessageEndingWith("(expected: JPEG or PNG bytes, raw or base64) at step [0].image");
  }

  @Test
  void rawBytesThatAreNoImageAreInvalidInput() {
    TransformConfig.Image raw = step(4, 4, "stretch", "RGB", "raw", 255, null, null, "NCHW", 0);
    Tensor input = tensor("hello".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> Steps.pipeline(raw).apply(List.of(input)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.image: row 0 is not a JPEG or PNG image (expected: JPEG or PNG bytes, raw or"
                + " base64) at step [0].image");
  }

  @Test
  void otherFormatsAreRefused() {
    Tensor gif = tensor(Images.encode(solid(2, 2, RED), "gif"));
    TransformConfig.Image raw = step(2, 2, "stretch", "RGB", "raw", 255, null, null, "NCHW", 0);

    assertThatThrownBy(() -> Steps.pipeline(raw).apply(List.of(gif)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.image: row 0 is not a JPEG or PNG image");
  }

  @Test
  void textThatIsNeitherAnImageNorBase64IsInvalidInput() {
    Tensor input = Images.text("not an image!");

    assertThatThrownBy(() -> Steps.pipeline(step(4, 4, "RGB")).apply(List.of(input)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "inputs.image: row 0 is neither a JPEG or PNG image nor base64 text");
  }

  @Test
  void base64ModeRefusesRawBytes() {
    TransformConfig.Image base64 =
        step(4, 4, "stretch", "RGB", "base64", 255, null, null, "NCHW", 0);
    Tensor input = tensor(png(solid(4, 4, RED)));

    assertThatThrownBy(() -> Steps.pipeline(base64).apply(List.of(input)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.image: row 0 is not base64 text");
  }

  @Test
  void anImageOverFiftyMegapixelsIsRefusedFromItsHeader() {
    Tensor bomb = tensor(Images.pngHeader(8000, 8000));

    assertThatThrownBy(() -> Steps.pipeline(step(4, 4, "RGB")).apply(List.of(bomb)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.image: row 0 is 8000x8000 pixels (expected: at most 50 megapixels) at step"
                + " [0].image");
  }

  @Test
  void aNonBytesTensorIsInvalidInput() {
    Tensor floats = Tensor.ofFloats("image", new long[] {1}, 1f);

    assertThatThrownBy(() -> Steps.pipeline(step(4, 4, "RGB")).apply(List.of(floats)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.image: datatype FP32 (expected: BYTES, one encoded image per row) at step"
                + " [0].image");
  }
}
