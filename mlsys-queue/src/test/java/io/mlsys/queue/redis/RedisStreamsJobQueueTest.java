package io.mlsys.queue.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.queue.JobQueue;
import io.mlsys.queue.JobQueue.Delivery;
import io.mlsys.queue.JobQueueContract;
import io.mlsys.testing.PrivateRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The contract against the machine's Redis (keys of the test's own), and an outage on a private
 * one.
 */
class RedisStreamsJobQueueTest extends JobQueueContract {
  private static final String SHARED_REDIS = "redis://127.0.0.1:6379";

  @Override
  protected JobQueue open(String name, String consumer, Duration lease) {
    return new RedisStreamsJobQueue(SHARED_REDIS, name, "workers", consumer, lease, clock());
  }

  @Override
  protected void deleteQueue(String name) {
    RedisClient client = RedisClient.create(SHARED_REDIS);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().del("{" + name + "}", "{" + name + "}:delayed");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aRedisThatIsDownFailsAtOnceAndARestartedOneIsUsedAgain() throws Exception {
    try (PrivateRedis redis = new PrivateRedis();
        JobQueue queue =
            new RedisStreamsJobQueue(redis.uri(), name, "workers", "worker-1", LEASE, clock())) {
      queue.publish("before", "iris", Instant.now());
      redis.stop();

      assertThatThrownBy(() -> queue.publish("during", "iris", Instant.now()))
          .isInstanceOf(DependencyUnavailableException.class)
          .hasMessageContaining("redis job queue '" + name + "' at 127.0.0.1:" + redis.port());

      // Restarted without persistence: the stream and its group are gone and made again; the
      // job published before the outage is the store's to republish.
      redis.start();
      Instant giveUp = Instant.now().plus(PATIENCE);
      boolean published = false;
      while (!published && Instant.now().isBefore(giveUp)) {
        try {
          queue.publish("after", "iris", Instant.now());
          published = true;
        } catch (DependencyUnavailableException reconnecting) {
          Thread.onSpinWait();
        }
      }
      Optional<Delivery> delivery = Optional.empty();
      while (delivery.isEmpty() && Instant.now().isBefore(giveUp)) {
        try {
          delivery = queue.receive(Duration.ofMillis(500));
        } catch (DependencyUnavailableException groupBeingMadeAgain) {
          Thread.onSpinWait();
        }
      }
      assertThat(delivery).map(Delivery::jobId).contains("after");
    }
  }
}
