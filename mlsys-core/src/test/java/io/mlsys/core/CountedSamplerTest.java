package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CountedSamplerTest {
  private static long taken(double rate, int events) {
    CountedSampler sampler = new CountedSampler(rate);
    return IntStream.range(0, events).filter(i -> sampler.take()).count();
  }

  @Test
  void aTenthTakesEveryTenthEvent() {
    CountedSampler sampler = new CountedSampler(0.1);
    for (int i = 1; i <= 30; i++) {
      assertThat(sampler.take()).as("event %d", i).isEqualTo(i % 10 == 0);
    }
  }

  @Test
  void allAndNone() {
    assertThat(taken(1, 50)).isEqualTo(50);
    assertThat(taken(0, 50)).isZero();
    assertThat(taken(0.25, 1000)).isEqualTo(250);
  }
}
