package io.mlsys.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.testing.FreePorts;
import io.mlsys.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One connection per URI, shared by its users, opened in the background, closed once. */
class RedisConnectionsTest {
  private static final String REDIS = "redis://127.0.0.1:6379";

  @Test
  void everyUserOfOneUriSharesOneConnectionAndTheServerClosesIt() throws Exception {
    SharedResources resources = SharedResources.create();
    RedisConnections connections = RedisConnections.shared(resources);
    assertThat(RedisConnections.shared(resources)).isSameAs(connections);

    RedisConnections.Connection cache = connections.connection(REDIS);
    RedisConnections.Connection features = connections.connection(REDIS);
    assertThat(features).isSameAs(cache);
    assertThat(connections.connection("redis://127.0.0.1:6379/1")).isNotSameAs(cache);
    assertThat(connections.size()).isEqualTo(2);

    RedisAsyncCommands<String, byte[]> commands = cache.awaitCommands(Duration.ofSeconds(30));
    assertThat(commands).isNotNull();
    assertThat(commands.ping().get(10, TimeUnit.SECONDS)).isEqualTo("PONG");
    assertThat(features.isOpen()).isTrue();

    resources.close();
    assertThatThrownBy(() -> connections.connection(REDIS))
        .isInstanceOf(IllegalStateException.class);
    // Its connection is closed with it: a command fails instead of being sent.
    assertThatThrownBy(() -> commands.ping().get(10, TimeUnit.SECONDS))
        .isInstanceOfAny(java.util.concurrent.ExecutionException.class, RuntimeException.class);
  }

  @Test
  void aRedisThatIsDownGivesNoCommandsAndNoWaitOnTheRequestPath() throws Exception {
    try (RedisConnections connections = new RedisConnections()) {
      RedisConnections.Connection down =
          connections.connection("redis://127.0.0.1:" + FreePorts.next());

      assertThat(down.commands()).isNull();
      assertThat(down.awaitCommands(Duration.ofMillis(300))).isNull();
      assertThat(down.isOpen()).isFalse();
    }
  }

  @Test
  void aPasswordIsNeverShown() {
    assertThat(RedisConnections.redacted("redis://user:secret@host:6379/0"))
        .isEqualTo("redis://***@host:6379/0");
    assertThat(RedisConnections.redacted(REDIS)).isEqualTo(REDIS);
  }

  @Test
  void theBreakerOpensAfterTheThresholdAndProbesAfterTheOpenPeriod() {
    ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
    RedisBreaker breaker = new RedisBreaker(clock, 2, Duration.ofSeconds(1));
    breaker.failure();
    assertThat(breaker.allow()).isTrue();
    breaker.failure();
    assertThat(breaker.allow()).isFalse();

    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.allow()).isTrue();
    assertThat(breaker.state()).isEqualTo(RedisBreaker.State.HALF_OPEN);
    breaker.success();
    assertThat(breaker.state()).isEqualTo(RedisBreaker.State.CLOSED);
  }
}
