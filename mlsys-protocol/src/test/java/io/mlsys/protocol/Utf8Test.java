package io.mlsys.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "c080", // overlong NUL
        "e08080", // overlong three-byte form
        "eda080", // UTF-16 surrogate D800
        "f4908080", // above U+10FFFF
        "f5808080", // lead byte beyond range
        "80", // lone continuation
        "e282", // truncated
        "ff"
      })
  void rejectsIllFormedSequences(String hex) {
    assertThat(Utf8.isValid(HexFormat.of().parseHex(hex))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "00", "7f", "c280", "e282ac", "efbfbf", "f0908080", "f48fbfbf"})
  void acceptsWellFormedSequences(String hex) {
    assertThat(Utf8.isValid(HexFormat.of().parseHex(hex))).isTrue();
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    SplittableRandom random = new SplittableRandom(7);
    byte[] alphabet = {
      0x41,
      (byte) 0x80,
      (byte) 0xBF,
      (byte) 0xC2,
      (byte) 0xE0,
      (byte) 0xED,
      (byte) 0xEF,
      (byte) 0xF0,
      (byte) 0xF4,
      (byte) 0xA0,
      (byte) 0x90,
      (byte) 0x8F
    };
    for (int i = 0; i < 50_000; i++) {
      byte[] bytes = new byte[random.nextInt(1, 7)];
      for (int j = 0; j < bytes.length; j++) {
        bytes[j] = alphabet[random.nextInt(alphabet.length)];
      }
      assertThat(Utf8.isValid(bytes))
          .as(HexFormat.of().formatHex(bytes))
          .isEqualTo(jdkValid(bytes));
    }
  }

  private static boolean jdkValid(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
