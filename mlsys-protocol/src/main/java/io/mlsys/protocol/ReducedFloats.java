package io.mlsys.protocol;

import java.math.BigDecimal;

/**
 * FP16 and BF16 conversions. JSON numbers are decimal, so the correctly rounded 16-bit value is
 * found in two steps (decimal to float, float to 16 bits) with a fix for the one case where two
 * roundings differ from one: the float lands exactly halfway between two 16-bit values while the
 * decimal was not exactly there.
 */
final class ReducedFloats {
  /** Largest finite FP16 value. */
  static final float FP16_MAX = 65504f;

  /** Largest finite BF16 value (bits 0x7F7F). */
  static final float BF16_MAX = Float.intBitsToFloat(0x7F7F_0000);

  /** The value FP16 would have one step above its largest finite value. */
  private static final double FP16_BEYOND_MAX = 65536.0;

  /** The value BF16 would have one step above its largest finite value. */
  private static final double BF16_BEYOND_MAX = 0x1p128;

  private ReducedFloats() {}

  /** Rounds a float to BF16 bits, to nearest even; overflows to infinity; NaN stays NaN. */
  static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int lowestKept = (bits >>> 16) & 1;
    return (short) ((bits + 0x7FFF + lowestKept) >>> 16);
  }

  static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /**
   * The FP16 bits nearest to the decimal {@code text}, given {@code value}, the float nearest to
   * it. The result may be infinite when the decimal is beyond the FP16 range.
   */
  static short decimalToFp16(float value, String text) {
    return fixTie(Float.floatToFloat16(value), value, text, false);
  }

  /** As {@link #decimalToFp16} for BF16. */
  static short decimalToBf16(float value, String text) {
    return fixTie(floatToBf16(value), value, text, true);
  }

  static boolean isInfinite(short bits, boolean bf16) {
    return Float.isInfinite(decode(bits, bf16));
  }

  private static float decode(short bits, boolean bf16) {
    return bf16 ? bf16ToFloat(bits) : Float.float16ToFloat(bits);
  }

  private static double decodeExtended(short bits, boolean bf16) {
    float decoded = decode(bits, bf16);
    if (Float.isInfinite(decoded)) {
      return Math.copySign(bf16 ? BF16_BEYOND_MAX : FP16_BEYOND_MAX, decoded);
    }
    return decoded;
  }

  private static short fixTie(short rounded, float value, String text, boolean bf16) {
    if (Float.isNaN(value) || Float.isInfinite(value) || decode(rounded, bf16) == value) {
      return rounded;
    }
    double chosen = decodeExtended(rounded, bf16);
    boolean roundedAway = Math.abs(chosen) > Math.abs(value);
    // Adding one to the bit pattern moves one step away from zero, for either sign.
    short other = (short) (rounded + (roundedAway ? -1 : 1));
    double otherValue = decodeExtended(other, bf16);
    if ((chosen + otherValue) / 2 != value) {
      return rounded;
    }
    int comparison = new BigDecimal(text).compareTo(new BigDecimal(value));
    int awayFromZero = value > 0 ? comparison : -comparison;
    if (awayFromZero == 0) {
      return rounded; // a true tie: the float conversion already rounded to even
    }
    boolean wantAway = awayFromZero > 0;
    return wantAway == roundedAway ? rounded : other;
  }
}
