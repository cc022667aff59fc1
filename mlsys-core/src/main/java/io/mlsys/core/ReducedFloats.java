package io.mlsys.core;

import java.math.BigDecimal;

/**
 * Conversions between {@code float} and the 16-bit floating-point datatypes {@link DataType#FP16}
 * (IEEE 754 binary16) and {@link DataType#BF16} (bfloat16, the top half of a float), whose raw bit
 * patterns tensors hold in {@code short[]}. Every narrowing rounds to nearest, ties to even; values
 * beyond the range become infinite and NaN stays NaN.
 *
 * <p>Decimal text (JSON numbers) is narrowed by {@link #decimalToFp16} and {@link #decimalToBf16}:
 * two roundings (decimal to float, float to 16 bits) differ from one correct rounding only when the
 * float lands exactly halfway between two 16-bit values while the decimal was not exactly there,
 * and those methods fix that case.
 */
public final class ReducedFloats {
  /** Largest finite FP16 value. */
  public static final float FP16_MAX = 65504f;

  /** Largest finite BF16 value (bits 0x7F7F). */
  public static final float BF16_MAX = Float.intBitsToFloat(0x7F7F_0000);

  /** The value FP16 would have one step above its largest finite value. */
  private static final double FP16_BEYOND_MAX = 65536.0;

  /** The value BF16 would have one step above its largest finite value. */
  private static final double BF16_BEYOND_MAX = 0x1p128;

  private ReducedFloats() {}

  /** The float value of FP16 bits (exact: every FP16 value is a float). */
  public static float fp16ToFloat(short bits) {
    return Float.float16ToFloat(bits);
  }

  /** Rounds a float to FP16 bits, to nearest even; overflows to infinity; NaN stays NaN. */
  public static short floatToFp16(float value) {
    return Float.floatToFloat16(value);
  }

  /** The float value of BF16 bits (exact: BF16 is the upper half of a float). */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /** Rounds a float to BF16 bits, to nearest even; overflows to infinity; NaN stays NaN. */
  public static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      // Truncating could clear every mantissa bit and make an infinity: keep a quiet bit set.
      return (short) ((bits >>> 16) | 0x0040);
    }
    int lowestKept = (bits >>> 16) & 1;
    return (short) ((bits + 0x7FFF + lowestKept) >>> 16);
  }

  /**
   * The FP16 bits nearest to the decimal number {@code text}, to nearest even; infinite when the
   * decimal is beyond the FP16 range.
   *
   * @param value the float nearest to {@code text}, as a parser reads it
   * @param text a decimal number ({@link BigDecimal} syntax), read only in a halfway case
   */
  public static short decimalToFp16(float value, String text) {
    return fixTie(floatToFp16(value), value, text, false);
  }

  /** As {@link #decimalToFp16} for BF16. */
  public static short decimalToBf16(float value, String text) {
    return fixTie(floatToBf16(value), value, text, true);
  }

  private static float decode(short bits, boolean bf16) {
    return bf16 ? bf16ToFloat(bits) : fp16ToFloat(bits);
  }

  /** The value of the bits, with infinity read as the next step beyond the largest finite value. */
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
