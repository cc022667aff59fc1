package io.mlsys.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Redis connections of the server's prediction caches, one per Redis URI shared by every model
 * and version that names it (Lettuce multiplexes one connection over all callers). A {@link
 * io.mlsys.core.spi.SharedResources} entry: it outlives model versions and closes with the server.
 *
 * <p>Connections open in the background, when a cache first needs one: a Redis that is down at
 * start does not fail or slow a model's load. Lettuce reconnects a lost connection by itself;
 * meanwhile commands fail at once (rejected, not queued), and the request queue is bounded.
 */
public final class RedisConnections implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RedisConnections.class.getName());

  /** Commands waiting for Redis at most; more fail at once, as when Redis is down. */
  static final int REQUEST_QUEUE_SIZE = 10_000;

  /** How long a command may stay in Lettuce's queue at all, whatever a caller waits. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  /**
   * The longest wait between two reconnection attempts (Lettuce's default grows to 30 s): the
   * shared tier is back within about a second of Redis.
   */
  static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

  /** Lettuce's event loop threads: Redis I/O is light next to inference. */
  static final int IO_THREADS = 2;

  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final Map<String, Connection> byUri = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile RedisClient client;
  private ClientResources clientResources;

  /** The shared connection to {@code uri}, opened on first use. */
  Connection connection(String uri) {
    if (closed.get()) {
      throw new IllegalStateException("closed");
    }
    return byUri.computeIfAbsent(uri, Connection::new);
  }

  private synchronized RedisClient client() {
    if (client == null) {
      clientResources =
          DefaultClientResources.builder()
              .ioThreadPoolSize(IO_THREADS)
              .computationThreadPoolSize(IO_THREADS)
              .reconnectDelay(
                  Delay.exponential(
                      Duration.ofMillis(10), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
              .build();
      RedisClient created = RedisClient.create(clientResources);
      created.setOptions(
          ClientOptions.builder()
              .autoReconnect(true)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .requestQueueSize(REQUEST_QUEUE_SIZE)
              .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
              .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
              .build());
      client = created;
    }
    return client;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // The client's shutdown closes every connection it opened (closing them first as well would
    // close each twice).
    RedisClient toShutdown;
    ClientResources resourcesToShutdown;
    synchronized (this) {
      toShutdown = client;
      resourcesToShutdown = clientResources;
    }
    if (toShutdown != null) {
      toShutdown.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resourcesToShutdown.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** One Redis, connected in the background on first use. */
  final class Connection {
    private final String uri;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile CompletableFuture<?> pending = CompletableFuture.completedFuture(null);
    private volatile boolean warned;

    Connection(String uri) {
      this.uri = uri;
    }

    /**
     * The commands of the open connection; null while there is none, and then a connection is
     * started in the background (unless one is already being made).
     */
    RedisAsyncCommands<String, byte[]> commands() {
      StatefulRedisConnection<String, byte[]> open = connection;
      if (open != null) {
        return open.async();
      }
      if (!closed.get() && connecting.compareAndSet(false, true)) {
        pending =
            client()
                .connectAsync(CODEC, RedisURI.create(uri))
                .toCompletableFuture()
                .whenComplete(
                    (connected, failure) -> {
                      if (failure == null) {
                        connection = connected;
                        if (warned) {
                          LOG.info("prediction cache: connected to Redis " + redactedUri());
                        }
                        warned = false;
                        if (closed.get()) {
                          connected.closeAsync();
                        }
                      } else if (!warned) {
                        warned = true;
                        LOG.log(
                            Level.WARNING,
                            "prediction cache: Redis "
                                + redactedUri()
                                + " unreachable, serving without it: "
                                + failure);
                      }
                      connecting.set(false);
                    });
      }
      return null;
    }

    /**
     * The commands of the open connection, waiting up to {@code timeout} for one to open (for
     * administrative calls, never on the request path); null when none opened in time.
     */
    RedisAsyncCommands<String, byte[]> awaitCommands(Duration timeout) {
      RedisAsyncCommands<String, byte[]> commands = commands();
      if (commands != null) {
        return commands;
      }
      try {
        pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        return null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      StatefulRedisConnection<String, byte[]> open = connection;
      return open == null ? null : open.async();
    }

    /** Whether a connection is being made now (a call then skips Redis without counting it). */
    boolean isConnecting() {
      return connecting.get();
    }

    String redactedUri() {
      return PredictionCacheOptions.redacted(uri);
    }
  }
}
