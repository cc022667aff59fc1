package io.mlsys.deploy;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import io.mlsys.core.InvalidInputException;

/** Image references checked as Jib reads them, so a typo fails before any work is done. */
final class ImageReferences {
  private ImageReferences() {}

  static String check(String text, String option, String expected) {
    try {
      ImageReference.parse(text);
      return text;
    } catch (InvalidImageReferenceException e) {
      throw new InvalidInputException(
          option, "'" + text + "' is not an image reference (expected: " + expected + ")");
    }
  }

  static ImageReference parse(String text) {
    try {
      return ImageReference.parse(text);
    } catch (InvalidImageReferenceException e) {
      throw new IllegalArgumentException("checked when parsed: " + text, e);
    }
  }
}
