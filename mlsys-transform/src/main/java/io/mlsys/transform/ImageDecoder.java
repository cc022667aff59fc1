package io.mlsys.transform;

import io.mlsys.core.InvalidInputException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns one element of a BYTES tensor into {@link Pixels}: base64 when asked (or when the bytes do
 * not start like an image), then JPEG or PNG through {@code javax.imageio}, refusing images over
 * {@value #MAX_PIXELS} pixels before decoding them.
 */
final class ImageDecoder {
  /** Larger images are refused from their header: a small file can decode to gigabytes. */
  static final long MAX_PIXELS = 50_000_000L;

  static final String EXPECTED = "JPEG or PNG bytes, raw or base64";

  private static final Set<String> FORMATS = Set.of("jpeg", "png");

  /** How the bytes of an element hold the image file. */
  enum Encoding {
    /** Raw when the bytes start with a JPEG or PNG signature, else base64. */
    AUTO,
    RAW,
    BASE64
  }

  private ImageDecoder() {}

  /**
   * @throws InvalidInputException naming the tensor, row and step when the element is not an image
   *     this can decode or is too large
   */
  static Pixels decode(byte[] element, Encoding encoding, String tensor, int row, StepPath step) {
    byte[] file =
        switch (encoding) {
          case RAW -> element;
          case BASE64 -> {
            byte[] decoded = base64(element);
            if (decoded == null) {
              throw step.invalid(
                  tensor, "row " + row + " is not base64 text (expected: " + EXPECTED + ")");
            }
            yield decoded;
          }
          case AUTO -> {
            if (hasImageSignature(element)) {
              yield element;
            }
            byte[] decoded = base64(element);
            if (decoded == null) {
              throw step.invalid(
                  tensor,
                  "row "
                      + row
                      + " is neither a JPEG or PNG image nor base64 text (expected: "
                      + EXPECTED
                      + ")");
            }
            yield decoded;
          }
        };
    return pixels(read(file, tensor, row, step));
  }

  static boolean hasImageSignature(byte[] bytes) {
    boolean jpeg = bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
    boolean png =
        bytes.length >= 4
            && (bytes[0] & 0xFF) == 0x89
            && bytes[1] == 'P'
            && bytes[2] == 'N'
            && bytes[3] == 'G';
    return jpeg || png;
  }

  /**
   * Standard or URL-safe base64, padding optional, whitespace and line breaks ignored, an optional
   * {@code data:image/...;base64,} prefix; null when the text is not base64.
   */
  static byte[] base64(byte[] text) {
    String value = new String(text, StandardCharsets.US_ASCII).strip();
    if (value.startsWith("data:")) {
      int comma = value.indexOf(',');
      if (comma < 0 || !value.substring(0, comma).endsWith(";base64")) {
        return null;
      }
      value = value.substring(comma + 1);
    }
    StringBuilder clean = new StringBuilder(value.length() + 3);
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      switch (ch) {
        case ' ', '\t', '\r', '\n' -> {}
        case '-' -> clean.append('+');
        case '_' -> clean.append('/');
        default -> clean.append(ch);
      }
    }
    int end = clean.length();
    while (end > 0 && clean.charAt(end - 1) == '=' && clean.length() - end < 2) {
      end--;
    }
    clean.setLength(end);
    if (clean.length() % 4 == 1) {
      return null;
    }
    while (clean.length() % 4 != 0) {
      clean.append('=');
    }
    try {
      return Base64.getDecoder().decode(clean.toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static BufferedImage read(byte[] file, String tensor, int row, StepPath step) {
    // A memory stream: ImageIO.createImageInputStream would cache to a temporary file.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(file))) {
      ImageReader reader = reader(in);
      if (reader == null) {
        throw step.invalid(
            tensor, "row " + row + " is not a JPEG or PNG image (expected: " + EXPECTED + ")");
      }
      try {
        reader.setInput(in, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width * height > MAX_PIXELS) {
          throw step.invalid(
              tensor,
              "row "
                  + row
                  + " is "
                  + width
                  + "x"
                  + height
                  + " pixels (expected: at most "
                  + MAX_PIXELS / 1_000_000
                  + " megapixels)");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (InvalidInputException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Decoders throw assorted exceptions on damaged files; all of them mean bad input here.
      throw step.invalid(
          tensor,
          "row "
              + row
              + " is a damaged or unsupported JPEG or PNG image: "
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + " (expected: "
              + EXPECTED
              + ")");
    }
  }

  /** The first JPEG or PNG reader that recognises the stream, or null. */
  private static ImageReader reader(ImageInputStream in) {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      for (String format : reader.getOriginatingProvider().getFormatNames()) {
        if (FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
          return reader;
        }
      }
      reader.dispose();
    }
    return null;
  }

  /**
   * The samples of a decoded image: gray images as they are (getRGB would convert them from a
   * linear gray colour space and brighten them), others as sRGB with alpha dropped, not composited.
   */
  static Pixels pixels(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    ColorModel model = image.getColorModel();
    int[] row = new int[width];
    if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      Raster raster = image.getRaster();
      int bits = model.getComponentSize(0);
      double max = (1L << bits) - 1;
      byte[] gray = new byte[width * height];
      for (int y = 0; y < height; y++) {
        raster.getSamples(0, y, width, 1, 0, row);
        for (int x = 0; x < width; x++) {
          int value = bits == 8 ? row[x] : (int) Math.round(row[x] * 255 / max);
          gray[y * width + x] = (byte) value;
        }
      }
      return new Pixels(width, height, 1, gray);
    }
    byte[] rgb = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, row, 0, width);
      for (int x = 0; x < width; x++) {
        int argb = row[x];
        int i = (y * width + x) * 3;
        rgb[i] = (byte) (argb >> 16);
        rgb[i + 1] = (byte) (argb >> 8);
        rgb[i + 2] = (byte) argb;
      }
    }
    return new Pixels(width, height, 3, rgb);
  }
}
