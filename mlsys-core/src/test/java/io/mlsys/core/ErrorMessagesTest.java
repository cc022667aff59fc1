package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ErrorMessagesTest {

  @Test
  void aLongListNamesTheFirstFewAndCountsTheRest() {
    List<String> names = IntStream.range(0, 100_000).mapToObj(i -> "o" + i).toList();

    assertThat(ErrorMessages.list(names, ErrorMessages::quote, ", "))
        .isEqualTo("'o0', 'o1', 'o2', ... and 99,997 more");
  }

  @Test
  void aShortListIsNamedInFull() {
    assertThat(ErrorMessages.list(List.of("a", "b"), s -> s, "; ")).isEqualTo("a; b");
  }

  @Test
  void aLongNameIsCutAndControlCharactersReplaced() {
    String quoted = ErrorMessages.quote("x".repeat(5000) + "\n");

    assertThat(quoted).hasSize(ErrorMessages.MAX_QUOTED_CHARS + 5).endsWith("x...'");
    assertThat(ErrorMessages.quote("a\nb")).isEqualTo("'a?b'");
  }

  @Test
  void aLongMessageIsCutSayingHowLongItWas() {
    String capped = ErrorMessages.cap("y".repeat(1_000_000));

    assertThat(capped)
        .hasSize(ErrorMessages.MAX_MESSAGE_CHARS)
        .endsWith("... (cut at 4096 of 1,000,000 chars)");
    assertThat(ErrorMessages.cap("short")).isEqualTo("short");
  }
}
