package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Images made in the test with Java2D, encoded with ImageIO, and image steps to run on them. */
final class Images {
  private Images() {}

  /** A width x height image of one colour. */
  static BufferedImage solid(int width, int height, int rgb) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  /** A one-row 8-bit gray image with these sample values. */
  static BufferedImage grayRow(int... values) {
    BufferedImage image = new BufferedImage(values.length, 1, BufferedImage.TYPE_BYTE_GRAY);
    for (int x = 0; x < values.length; x++) {
      image.getRaster().setSample(x, 0, 0, values[x]);
    }
    return image;
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] png(BufferedImage image) {
    return encode(image, "png");
  }

  static byte[] jpeg(BufferedImage image) {
    return encode(image, "jpg");
  }

  /** The start of a PNG file whose header claims width x height RGB pixels. */
  static byte[] pngHeader(int width, int height) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
      ByteArrayOutputStream chunk = new ByteArrayOutputStream();
      DataOutputStream header = new DataOutputStream(chunk);
      header.write("IHDR".getBytes(StandardCharsets.US_ASCII));
      header.writeInt(width);
      header.writeInt(height);
      header.write(new byte[] {8, 2, 0, 0, 0});
      byte[] typeAndData = chunk.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(typeAndData);
      out.writeInt(13);
      out.write(typeAndData);
      out.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A BYTES [N] tensor named image. */
  static Tensor tensor(byte[]... rows) {
    return new Tensor(
        "image", DataType.BYTES, new long[] {rows.length}, new TensorData.ByteStrings(rows));
  }

  static Tensor text(String... rows) {
    return Tensor.ofStrings("image", new long[] {rows.length}, rows);
  }

  /** An image step with the defaults but these options. */
  static TransformConfig.Image step(
      int width,
      int height,
      String resize,
      String channels,
      String encoding,
      double scale,
      List<Double> mean,
      List<Double> std,
      String layout,
      double padValue) {
    return new TransformConfig.Image(
        "image", null, width, height, resize, channels, encoding, scale, mean, std, layout,
        padValue);
  }

  static TransformConfig.Image step(int width, int height, String channels) {
    return step(width, height, "stretch", channels, "auto", 255, null, null, "NCHW", 0);
  }

  static Tensor run(Tensor input, TransformConfig.Image step) {
    return Steps.run("image", List.of(input), step);
  }
}
