package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReducedFloatsTest {
  private static final long SEED = 20240607L;

  @Test
  void everyFp16ValueSurvivesARoundTrip() {
    for (int bits = 0; bits <= 0xFFFF; bits++) {
      float value = ReducedFloats.fp16ToFloat((short) bits);
      if (!Float.isNaN(value)) {
        assertThat(ReducedFloats.floatToFp16(value)).as("bits %04x", bits).isEqualTo((short) bits);
      }
    }
  }

  @Test
  void everyBf16ValueSurvivesARoundTrip() {
    for (int bits = 0; bits <= 0xFFFF; bits++) {
      float value = ReducedFloats.bf16ToFloat((short) bits);
      if (!Float.isNaN(value)) {
        assertThat(ReducedFloats.floatToBf16(value)).as("bits %04x", bits).isEqualTo((short) bits);
      }
    }
  }

  @Test
  void fp16DecodesKnownPatterns() {
    assertThat(ReducedFloats.fp16ToFloat((short) 0x3C00)).isEqualTo(1f);
    assertThat(ReducedFloats.fp16ToFloat((short) 0xC000)).isEqualTo(-2f);
    assertThat(ReducedFloats.fp16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(ReducedFloats.fp16ToFloat((short) 0x7BFF)).isEqualTo(ReducedFloats.FP16_MAX);
    assertThat(ReducedFloats.fp16ToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void bf16DecodesKnownPatterns() {
    assertThat(ReducedFloats.bf16ToFloat((short) 0x3F80)).isEqualTo(1f);
    assertThat(ReducedFloats.bf16ToFloat((short) 0xC000)).isEqualTo(-2f);
    assertThat(ReducedFloats.bf16ToFloat((short) 0x7F7F)).isEqualTo(ReducedFloats.BF16_MAX);
    assertThat(ReducedFloats.bf16ToFloat((short) 0xFF80)).isEqualTo(Float.NEGATIVE_INFINITY);
  }

  @Test
  void fp16RoundsHalfwayValuesToEven() {
    float step = 0x1p-10f; // the FP16 spacing just above 1
    assertThat(ReducedFloats.floatToFp16(1 + step / 2)).isEqualTo((short) 0x3C00);
    assertThat(ReducedFloats.floatToFp16(1 + 3 * step / 2)).isEqualTo((short) 0x3C02);
    assertThat(ReducedFloats.floatToFp16(1 + step / 2 + 0x1p-20f)).isEqualTo((short) 0x3C01);
  }

  @Test
  void fp16OverflowsToInfinityPastTheLastMidpoint() {
    assertThat(ReducedFloats.floatToFp16(65519f)).isEqualTo((short) 0x7BFF);
    assertThat(ReducedFloats.floatToFp16(65520f)).isEqualTo((short) 0x7C00);
    assertThat(ReducedFloats.floatToFp16(-65520f)).isEqualTo((short) 0xFC00);
  }

  @Test
  void fp16KeepsNaN() {
    assertThat(ReducedFloats.fp16ToFloat(ReducedFloats.floatToFp16(Float.NaN))).isNaN();
  }

  @Test
  void bf16RoundsFloatBitsToNearestEven() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 100_000; i++) {
      float value = Float.intBitsToFloat(random.nextInt());
      if (Float.isNaN(value)) {
        continue;
      }
      assertThat(ReducedFloats.floatToBf16(value))
          .as("bits %08x", Float.floatToRawIntBits(value))
          .isEqualTo(referenceBf16(value));
    }
  }

  @Test
  void bf16KeepsNaNAndInfinity() {
    assertThat(ReducedFloats.bf16ToFloat(ReducedFloats.floatToBf16(Float.NaN))).isNaN();
    // A NaN whose payload sits only in the dropped bits must not become an infinity.
    assertThat(
            ReducedFloats.bf16ToFloat(ReducedFloats.floatToBf16(Float.intBitsToFloat(0x7F80_0001))))
        .isNaN();
    assertThat(ReducedFloats.floatToBf16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
    assertThat(ReducedFloats.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7F80);
  }

  @Test
  void decimalsJustOffAHalfwayPointRoundToTheirSideInFp16() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 2_000; i++) {
      short low = (short) random.nextInt(0x0000, 0x7BFF);
      checkNearMidpoint(low, (short) (low + 1), false);
      checkNearMidpoint((short) (low | 0x8000), (short) ((low + 1) | 0x8000), false);
    }
  }

  @Test
  void decimalsJustOffAHalfwayPointRoundToTheirSideInBf16() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 2_000; i++) {
      short low = (short) random.nextInt(0x0000, 0x7F7F);
      checkNearMidpoint(low, (short) (low + 1), true);
      checkNearMidpoint((short) (low | 0x8000), (short) ((low + 1) | 0x8000), true);
    }
  }

  @Test
  void fp16JustBelowTheOverflowMidpointStaysFinite() {
    assertThat(ReducedFloats.decimalToFp16(65520f, "65519.9999999")).isEqualTo((short) 0x7BFF);
    assertThat(ReducedFloats.decimalToFp16(65520f, "65520")).isEqualTo((short) 0x7C00);
    assertThat(ReducedFloats.decimalToFp16(-65520f, "-65519.9999999")).isEqualTo((short) 0xFBFF);
  }

  @Test
  void bf16JustBelowTheOverflowMidpointStaysFinite() {
    // Halfway between BF16_MAX and the step beyond it: the float is exactly there.
    BigDecimal midpoint =
        new BigDecimal(ReducedFloats.BF16_MAX).add(new BigDecimal(0x1p128)).divide(BigDecimal.TWO);
    String below = midpoint.subtract(BigDecimal.ONE).toPlainString();
    float value = Float.parseFloat(below);

    assertThat(ReducedFloats.decimalToBf16(value, below)).isEqualTo((short) 0x7F7F);
    assertThat(ReducedFloats.decimalToBf16(value, midpoint.toPlainString()))
        .isEqualTo((short) 0x7F80);
  }

  /** For two adjacent 16-bit values, decimals a hair below/above their midpoint and on it. */
  private static void checkNearMidpoint(short low, short high, boolean bf16) {
    BigDecimal a = exact(low, bf16);
    BigDecimal b = exact(high, bf16);
    BigDecimal mid = a.add(b).divide(BigDecimal.valueOf(2));
    BigDecimal hair = mid.abs().max(BigDecimal.ONE.movePointLeft(30)).movePointLeft(12);
    boolean lowIsNearerZero = a.abs().compareTo(b.abs()) < 0;
    BigDecimal towardLow =
        lowIsNearerZero == (mid.signum() >= 0) ? mid.subtract(hair) : mid.add(hair);
    BigDecimal towardHigh =
        lowIsNearerZero == (mid.signum() >= 0) ? mid.add(hair) : mid.subtract(hair);

    assertThat(convert(towardLow, bf16))
        .as("%s below midpoint of %04x", towardLow, low)
        .isEqualTo(low);
    assertThat(convert(towardHigh, bf16))
        .as("%s above midpoint of %04x", towardHigh, low)
        .isEqualTo(high);
    short even = (low & 1) == 0 ? low : high;
    assertThat(convert(mid, bf16)).as("midpoint of %04x", low).isEqualTo(even);
  }

  private static short convert(BigDecimal decimal, boolean bf16) {
    String text = decimal.toString();
    float value = Float.parseFloat(text);
    return bf16
        ? ReducedFloats.decimalToBf16(value, text)
        : ReducedFloats.decimalToFp16(value, text);
  }

  private static BigDecimal exact(short bits, boolean bf16) {
    float value = bf16 ? ReducedFloats.bf16ToFloat(bits) : ReducedFloats.fp16ToFloat(bits);
    return new BigDecimal(value);
  }

  /** Round to nearest even by looking at the dropped half of the bits. */
  private static short referenceBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int kept = bits >>> 16;
    int dropped = bits & 0xFFFF;
    if (dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) == 1)) {
      kept++;
    }
    return (short) kept;
  }
}
