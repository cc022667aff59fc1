package io.mlsys.transform;

/**
 * Bilinear resizing as OpenCV's {@code cv2.resize(..., interpolation=INTER_LINEAR)} does it: pixel
 * centres aligned (source x = (x + 0.5) * scale - 0.5), edges clamped, no antialiasing when
 * shrinking, results rounded to 8 bits. PaddleOCR preprocesses with exactly this; PIL and
 * torchvision antialias when shrinking, so their results differ slightly on large reductions.
 * Written here rather than with Java2D so that results do not depend on the rendering pipeline.
 */
final class Bilinear {
  private Bilinear() {}

  static Pixels resize(Pixels source, int width, int height) {
    if (source.width() == width && source.height() == height) {
      return source;
    }
    Axis xs = Axis.of(source.width(), width);
    Axis ys = Axis.of(source.height(), height);
    int channels = source.channels();
    byte[] out = new byte[width * height * channels];
    int i = 0;
    for (int y = 0; y < height; y++) {
      int y0 = ys.low[y];
      int y1 = ys.high[y];
      double fy = ys.fraction[y];
      for (int x = 0; x < width; x++) {
        int x0 = xs.low[x];
        int x1 = xs.high[x];
        double fx = xs.fraction[x];
        for (int c = 0; c < channels; c++) {
          double top = (1 - fx) * source.sample(x0, y0, c) + fx * source.sample(x1, y0, c);
          double bottom = (1 - fx) * source.sample(x0, y1, c) + fx * source.sample(x1, y1, c);
          long value = Math.round((1 - fy) * top + fy * bottom);
          out[i++] = (byte) Math.clamp(value, 0, 255);
        }
      }
    }
    return new Pixels(width, height, channels, out);
  }

  /** For each target coordinate: the two source coordinates and the weight of the second. */
  private record Axis(int[] low, int[] high, double[] fraction) {
    static Axis of(int sourceSize, int targetSize) {
      int[] low = new int[targetSize];
      int[] high = new int[targetSize];
      double[] fraction = new double[targetSize];
      double scale = (double) sourceSize / targetSize;
      for (int t = 0; t < targetSize; t++) {
        double s = (t + 0.5) * scale - 0.5;
        int index = (int) Math.floor(s);
        double f = s - index;
        if (index < 0) {
          index = 0;
          f = 0;
        }
        if (index >= sourceSize - 1) {
          index = sourceSize - 1;
          f = 0;
        }
        low[t] = index;
        high[t] = Math.min(index + 1, sourceSize - 1);
        fraction[t] = f;
      }
      return new Axis(low, high, fraction);
    }
  }
}
