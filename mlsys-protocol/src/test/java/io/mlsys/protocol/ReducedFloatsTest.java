package io.mlsys.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReducedFloatsTest {
  private static final long SEED = 20240607L;

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
    assertThat(Float.isNaN(ReducedFloats.bf16ToFloat(ReducedFloats.floatToBf16(Float.NaN))))
        .isTrue();
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
    float value = bf16 ? ReducedFloats.bf16ToFloat(bits) : Float.float16ToFloat(bits);
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
