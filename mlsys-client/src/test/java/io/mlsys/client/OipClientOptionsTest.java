package io.mlsys.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OipClientOptionsTest {

  @Test
  void defaultsConnectWithinASecondAndTryTwice() {
    OipClientOptions options = OipClientOptions.defaults();

    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.maxAttempts()).isEqualTo(2);
    assertThat(options.retryBackoff()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void withChangesOneField() {
    OipClientOptions options = OipClientOptions.defaults().withMaxAttempts(5);

    assertThat(options.maxAttempts()).isEqualTo(5);
    assertThat(options.withRetryBackoff(Duration.ZERO).retryBackoff()).isZero();
    assertThat(options.withRetryBackoff(Duration.ZERO).maxAttempts()).isEqualTo(5);
  }

  @Test
  void zeroAttemptsAreRejected() {
    assertThatThrownBy(() -> OipClientOptions.defaults().withMaxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts: 0 (expected: >= 1)");
  }

  @Test
  void zeroConnectTimeoutIsRejected() {
    assertThatThrownBy(() -> OipClientOptions.defaults().withConnectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connectTimeout: PT0S (expected: a duration > 0)");
  }

  @Test
  void negativeBackoffIsRejected() {
    assertThatThrownBy(() -> OipClientOptions.defaults().withRetryBackoff(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("retryBackoff: PT-0.001S");
  }
}
