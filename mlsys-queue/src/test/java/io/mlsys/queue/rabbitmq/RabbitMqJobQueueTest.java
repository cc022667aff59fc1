package io.mlsys.queue.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.queue.JobQueue;
import io.mlsys.queue.JobQueue.Delivery;
import io.mlsys.queue.JobQueueContract;
import io.mlsys.testing.FreePorts;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract against the machine's RabbitMQ, on queues of the test's own. */
class RabbitMqJobQueueTest extends JobQueueContract {
  private static final String SHARED_BROKER = "amqp://guest:guest@127.0.0.1:5672/%2f";

  @Override
  protected JobQueue open(String name, String consumer, Duration lease) {
    return new RabbitMqJobQueue(SHARED_BROKER, name, 8, 20, clock());
  }

  @Override
  protected void deleteQueue(String name) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(SHARED_BROKER);
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      channel.queueDelete(name);
      channel.queueDelete(name + ".dead");
      long millis = RabbitMqJobQueue.FIRST_DELAY.toMillis();
      for (int bucket = 0; bucket < RabbitMqJobQueue.DELAY_BUCKETS; bucket++, millis *= 2) {
        channel.queueDelete(name + ".delay." + millis);
      }
    }
  }

  @Test
  void aJobThatKeepsKillingItsWorkersIsDeadLettered() throws Exception {
    try (JobQueue publisher = new RabbitMqJobQueue(SHARED_BROKER, name, 1, 2, clock())) {
      publisher.publish("poison", "iris", Instant.now());
    }
    int deliveries = 0;
    for (int death = 0; death < 5; death++) {
      try (JobQueue worker = new RabbitMqJobQueue(SHARED_BROKER, name, 1, 2, clock())) {
        Optional<Delivery> delivery = worker.receive(Duration.ofSeconds(2));
        if (delivery.isPresent()) {
          assertThat(delivery.get().deliveryCount()).isEqualTo(++deliveries);
        }
      } // closed without an ack, as a worker killed by the job leaves it
    }
    // Returned more than twice: the broker stopped delivering it.
    assertThat(deliveries).isEqualTo(3);
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(SHARED_BROKER);
    try (Connection connection = factory.newConnection();
        Channel channel = connection.createChannel()) {
      Instant giveUp = Instant.now().plus(PATIENCE);
      while (channel.messageCount(name + ".dead") == 0 && Instant.now().isBefore(giveUp)) {
        Thread.onSpinWait(); // dead-lettering is the broker's, in its own time
      }
      assertThat(channel.messageCount(name + ".dead")).isEqualTo(1);
    }
  }

  @Test
  void aBrokerThatCannotBeReachedFailsAtOnce() throws Exception {
    String nobody = "amqp://guest:guest@127.0.0.1:" + FreePorts.next() + "/%2f";
    try (JobQueue queue = new RabbitMqJobQueue(nobody, name, 1, 20, clock())) {
      assertThatThrownBy(() -> queue.publish("job-1", "iris", Instant.now()))
          .isInstanceOf(DependencyUnavailableException.class)
          .hasMessageContaining("rabbitmq job queue '" + name + "' at 127.0.0.1:")
          .hasMessageNotContaining("guest");
    }
  }
}
