package io.mlsys.transform;

/**
 * A decoded image as 8-bit samples (unsigned, in bytes), row-major with the channels of a pixel
 * together (HWC): 3 channels in RGB order, or 1 gray channel.
 */
record Pixels(int width, int height, int channels, byte[] samples) {

  int sample(int x, int y, int channel) {
    return samples[(y * width + x) * channels + channel] & 0xFF;
  }

  /**
   * Gray from RGB with the ITU-R 601-2 luma weights in PIL's fixed-point form ({@code
   * convert("L")}), so results match PIL exactly.
   */
  Pixels toGray() {
    if (channels == 1) {
      return this;
    }
    byte[] gray = new byte[width * height];
    for (int i = 0; i < gray.length; i++) {
      int r = samples[i * 3] & 0xFF;
      int g = samples[i * 3 + 1] & 0xFF;
      int b = samples[i * 3 + 2] & 0xFF;
      gray[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
    }
    return new Pixels(width, height, 1, gray);
  }
}
