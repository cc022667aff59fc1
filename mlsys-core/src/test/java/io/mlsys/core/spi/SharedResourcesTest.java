package io.mlsys.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedResourcesTest {
  private final List<String> closed = new ArrayList<>();

  /** A resource that records that it was closed. */
  private final class Pool implements AutoCloseable {
    @Override
    public void close() {
      closed.add("pool");
    }
  }

  /** Another resource, which needs the pool. */
  private final class Client implements AutoCloseable {
    final Pool pool;

    Client(Pool pool) {
      this.pool = pool;
    }

    @Override
    public void close() {
      closed.add("client");
    }
  }

  @Test
  void aResourceIsMadeOnceAndThenShared() {
    SharedResources resources = SharedResources.create();

    Pool first = resources.computeIfAbsent(Pool.class, Pool::new);
    Pool second = resources.computeIfAbsent(Pool.class, Pool::new);

    assertThat(second).isSameAs(first);
    assertThat(resources.find(Pool.class)).containsSame(first);
    assertThat(resources.find(Client.class)).isEmpty();
  }

  @Test
  void aFactoryMayAskForAnotherResource() {
    SharedResources resources = SharedResources.create();

    Client client =
        resources.computeIfAbsent(
            Client.class, () -> new Client(resources.computeIfAbsent(Pool.class, Pool::new)));

    assertThat(resources.find(Pool.class)).containsSame(client.pool);
  }

  @Test
  void closingClosesTheLastMadeFirstAndOnlyOnce() {
    SharedResources resources = SharedResources.create();
    resources.computeIfAbsent(Pool.class, Pool::new);
    resources.computeIfAbsent(String.class, () -> "not closeable");
    resources.computeIfAbsent(Client.class, () -> new Client(null));

    resources.close();
    resources.close();

    assertThat(closed).containsExactly("client", "pool");
    assertThatThrownBy(() -> resources.computeIfAbsent(Pool.class, Pool::new))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("shared resources: closed");
  }
}
