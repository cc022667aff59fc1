package io.mlsys.protocol;

/** UTF-8 well-formedness (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {
  private Utf8() {}

  static boolean allValid(byte[][] values) {
    for (byte[] value : values) {
      if (!isValid(value)) {
        return false;
      }
    }
    return true;
  }

  static boolean isValid(byte[] bytes) {
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      int b0 = bytes[i];
      if (b0 >= 0) {
        i++;
        continue;
      }
      b0 &= 0xFF;
      if (b0 < 0xC2) {
        return false; // a continuation byte, or an overlong two-byte form
      }
      if (b0 < 0xE0) {
        if (i + 1 >= n || !continuation(bytes[i + 1])) {
          return false;
        }
        i += 2;
      } else if (b0 < 0xF0) {
        if (i + 2 >= n || !continuation(bytes[i + 1]) || !continuation(bytes[i + 2])) {
          return false;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 >= 0xA0)) {
          return false; // overlong, or a UTF-16 surrogate
        }
        i += 3;
      } else if (b0 < 0xF5) {
        if (i + 3 >= n
            || !continuation(bytes[i + 1])
            || !continuation(bytes[i + 2])
            || !continuation(bytes[i + 3])) {
          return false;
        }
        int b1 = bytes[i + 1] & 0xFF;
        if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 >= 0x90)) {
          return false; // overlong, or above U+10FFFF
        }
        i += 4;
      } else {
        return false;
      }
    }
    return true;
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
