package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code image: {...}}: a BYTES [N] or [N, 1] tensor of encoded images becomes FP32 [N, C, H, W]
 * (or [N, H, W, C]): decode ({@link ImageDecoder}), convert to the channels, resize ({@link
 * Bilinear}), then {@code ((v / scale) - mean[c]) / std[c]} with c in output channel order.
 */
final class ImageTransform implements Transform {

  enum Resize {
    /** To width x height exactly. */
    STRETCH,
    /** To height, keeping the aspect ratio up to width, then padded on the right. */
    PAD
  }

  enum Channels {
    RGB,
    BGR,
    GRAY
  }

  enum Layout {
    NCHW,
    NHWC
  }

  /** The options, already checked by the compiler. */
  record Options(
      int width,
      int height,
      Resize resize,
      Channels channels,
      ImageDecoder.Encoding encoding,
      double scale,
      double[] mean,
      double[] std,
      Layout layout,
      double padValue) {
    int channelCount() {
      return channels == Channels.GRAY ? 1 : 3;
    }
  }

  private final StepPath step;
  private final String tensor;
  private final String output;
  private final Options options;
  private final int channels;

  /** The normalized value of each 8-bit sample, per output channel. */
  private final float[][] table;

  ImageTransform(StepPath step, String tensor, String output, Options options) {
    this.step = step;
    this.tensor = tensor;
    this.output = output;
    this.options = options;
    this.channels = options.channelCount();
    this.table = new float[channels][256];
    for (int c = 0; c < channels; c++) {
      double mean = perChannel(options.mean(), c, 0);
      double std = perChannel(options.std(), c, 1);
      for (int v = 0; v < 256; v++) {
        table[c][v] = (float) ((v / options.scale() - mean) / std);
      }
    }
  }

  private static double perChannel(double[] values, int channel, double absent) {
    return switch (values.length) {
      case 0 -> absent;
      case 1 -> values[0];
      default -> values[channel];
    };
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    Tensor input = Tensors.require(tensors, tensor, step);
    if (input.datatype() != DataType.BYTES) {
      throw step.invalid(
          tensor, "datatype " + input.datatype() + " (expected: BYTES, one encoded image per row)");
    }
    long[] shape = input.shape();
    if (!(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
      throw step.invalid(
          tensor, "shape " + Tensors.shapeText(shape) + " (expected: [N] or [N, 1])");
    }
    int rows = (int) shape[0];
    int width = options.width();
    int height = options.height();
    long perImage = (long) channels * width * height;
    if (rows * perImage > Integer.MAX_VALUE) {
      throw step.invalid(
          tensor,
          rows + " images (expected: at most " + Integer.MAX_VALUE / perImage + " per request)");
    }
    float[] out = new float[(int) (rows * perImage)];
    byte[][] elements = input.byteStrings();
    for (int row = 0; row < rows; row++) {
      Pixels decoded = ImageDecoder.decode(elements[row], options.encoding(), tensor, row, step);
      if (options.channels() == Channels.GRAY) {
        decoded = decoded.toGray();
      }
      int resizedWidth = resizedWidth(decoded);
      Pixels resized = Bilinear.resize(decoded, resizedWidth, height);
      write(resized, out, (int) (row * perImage));
    }
    long[] outShape =
        options.layout() == Layout.NCHW
            ? new long[] {rows, channels, height, width}
            : new long[] {rows, height, width, channels};
    return Tensors.put(tensors, Tensor::name, Tensor.ofFloats(output, outShape, out));
  }

  /** PaddleOCR's text lines: w = min(width, ceil(height * srcW / srcH)). */
  private int resizedWidth(Pixels source) {
    if (options.resize() == Resize.STRETCH) {
      return options.width();
    }
    double ratio = source.width() / (double) source.height();
    int scaled = (int) Math.ceil(options.height() * ratio);
    return Math.clamp(scaled, 1, options.width());
  }

  private void write(Pixels resized, float[] out, int offset) {
    int width = options.width();
    int height = options.height();
    boolean planar = options.layout() == Layout.NCHW;
    float pad = (float) options.padValue();
    for (int c = 0; c < channels; c++) {
      int source = sourceChannel(resized, c);
      float[] values = table[c];
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float value = x < resized.width() ? values[resized.sample(x, y, source)] : pad;
          int index =
              planar
                  ? offset + (c * height + y) * width + x
                  : offset + (y * width + x) * channels + c;
          out[index] = value;
        }
      }
    }
  }

  /** Which sample of a decoded pixel feeds an output channel (a gray image feeds all three). */
  private int sourceChannel(Pixels pixels, int channel) {
    if (pixels.channels() == 1) {
      return 0;
    }
    return options.channels() == Channels.BGR ? 2 - channel : channel;
  }

  @Override
  public TensorAccess access() {
    // One encoded image per row: the one read whose datatype the step fixes.
    return TensorAccess.replacing(tensor, output)
        .expecting(new TensorSpec(tensor, DataType.BYTES, List.of(-1L)));
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    TensorSpec input = Tensors.require(inputs, tensor, "tensor", violations);
    if (input == null) {
      return inputs;
    }
    if (input.datatype() != DataType.BYTES) {
      violations.accept(
          "tensor",
          "'"
              + tensor
              + "' is "
              + input.datatype()
              + " (expected: BYTES, one encoded image per row)");
      return inputs;
    }
    List<Long> shape = input.shape();
    boolean fits =
        shape.size() == 1 || (shape.size() == 2 && (shape.get(1) == 1 || shape.get(1) < 0));
    if (!fits) {
      violations.accept(
          "tensor", "'" + tensor + "' has shape " + shape + " (expected: [N] or [N, 1])");
      return inputs;
    }
    long rows = shape.getFirst();
    List<Long> outShape =
        options.layout() == Layout.NCHW
            ? Tensors.shapeList(rows, channels, options.height(), options.width())
            : Tensors.shapeList(rows, options.height(), options.width(), channels);
    return Tensors.put(inputs, TensorSpec::name, Tensors.spec(output, DataType.FP32, outShape));
  }
}
