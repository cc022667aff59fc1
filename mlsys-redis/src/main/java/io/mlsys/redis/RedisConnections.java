package io.mlsys.redis;

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
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's Redis connections: one per Redis URI, shared by every user that names it (each
 * prediction cache's Redis tier, each feature store's shared tier: Lettuce multiplexes one
 * connection over all callers), on one client and one pair of I/O threads. A {@link
 * io.mlsys.core.spi.SharedResources} entry ({@link #shared}): it outlives model versions and graph
 * generations and closes with the server; a tool without a server (the features warm-up command)
 * makes its own and closes it.
 *
 * <p>Connections open in the background, when a user first needs one: a Redis that is down at start
 * does not fail or slow a model's load or a graph's compile. Lettuce reconnects a lost connection
 * by itself within about {@link #MAX_RECONNECT_DELAY}; meanwhile commands fail at once (rejected,
 * not queued), and the request queue is bounded.
 */
public final class RedisConnections implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RedisConnections.class.getName());

  /** Commands waiting for Redis at most; more fail at once, as when Redis is down. */
  static final int REQUEST_QUEUE_SIZE = 16_384;

  /**
   * How long a command may stay in Lettuce's queue at all, whatever a caller waits: calls wait
   * their own shorter bound (their future's get); a warm-up's pipelined writes may take longer.
   */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

  /** Connecting never holds up a call (it runs in the background), so it may take a while. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /** Between connect attempts of {@link Connection#awaitCommands}, so a refusal is no spin. */
  static final Duration AWAIT_RETRY = Duration.ofMillis(200);

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

  /** Makes a set of its own (a tool without a server); close it when done. */
  public RedisConnections() {}

  /** The server's set: made by the first user, closed with {@code resources}. */
  public static RedisConnections shared(io.mlsys.core.spi.SharedResources resources) {
    return resources.computeIfAbsent(RedisConnections.class, RedisConnections::new);
  }

  /**
   * The shared connection to {@code uri} ({@code redis://[user:password@]host:port[/db]} or {@code
   * rediss://...}), opened on first use.
   *
   * @throws IllegalStateException once closed
   */
  public Connection connection(String uri) {
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

  /** Connections made so far (one per URI). */
  public int size() {
    return byUri.size();
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

  /**
   * {@code uri} with its password (or user and password) replaced by {@code ***}, for messages and
   * logs.
   */
  public static String redacted(String uri) {
    if (uri == null) {
      return null;
    }
    int at = uri.indexOf('@');
    int scheme = uri.indexOf("://");
    return at < 0 || scheme < 0 || at < scheme
        ? uri
        : uri.substring(0, scheme + 3) + "***" + uri.substring(at);
  }

  /** One Redis, connected in the background on first use. Thread-safe. */
  public final class Connection {
    private final String uri;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile CompletableFuture<?> pending = CompletableFuture.completedFuture(null);
    private volatile boolean warned;
    // Pub/sub: listeners by channel, on a connection of its own opened once one is registered.
    private final Map<String, List<Consumer<String>>> listeners = new ConcurrentHashMap<>();
    private final Map<String, List<Runnable>> onSubscribed = new ConcurrentHashMap<>();
    private final AtomicBoolean subscribing = new AtomicBoolean();
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    // Set once Redis confirmed a subscription and its callbacks ran.
    private volatile boolean confirmedOnce;

    Connection(String uri) {
      this.uri = uri;
    }

    /**
     * The commands of the open connection; null while there is none, and then a connection is
     * started in the background (unless one is already being made).
     */
    public RedisAsyncCommands<String, byte[]> commands() {
      StatefulRedisConnection<String, byte[]> open = connection;
      if (!listeners.isEmpty() && pubSub == null) {
        subscribeInBackground();
      }
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
                          LOG.info("connected to Redis " + redactedUri() + " again");
                        }
                        warned = false;
                        if (closed.get()) {
                          connected.closeAsync();
                        }
                      } else if (!warned) {
                        warned = true;
                        LOG.log(
                            Level.WARNING,
                            "Redis "
                                + redactedUri()
                                + " unreachable, serving without it (its users skip their Redis"
                                + " tier until it is back): "
                                + failure);
                      }
                      connecting.set(false);
                    });
      }
      return null;
    }

    /**
     * The commands of the open connection, waiting up to {@code timeout} for one to open and trying
     * again after a failed attempt (for administrative calls and warm-ups, never on the request
     * path); null when none opened in time.
     */
    public RedisAsyncCommands<String, byte[]> awaitCommands(Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        RedisAsyncCommands<String, byte[]> commands = commands();
        if (commands != null) {
          return commands;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed.get()) {
          return null;
        }
        try {
          pending.get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // A failed attempt: tried again below while time is left.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
        StatefulRedisConnection<String, byte[]> open = connection;
        if (open != null) {
          return open.async();
        }
        if (deadline - System.nanoTime() <= AWAIT_RETRY.toNanos()) {
          return null;
        }
        LockSupport.parkNanos(AWAIT_RETRY.toNanos());
      }
    }

    /**
     * Calls {@code listener} with every message published on {@code channel} of this Redis, by any
     * server (on Lettuce's I/O thread: keep it short). Subscribes in the background on a pub/sub
     * connection of its own; one that could not be made is tried again at the next {@link
     * #commands()}, and Lettuce subscribes again after a reconnect. Messages published while this
     * server was not subscribed are not delivered.
     */
    public void subscribe(String channel, Consumer<String> listener) {
      subscribe(channel, listener, () -> {});
    }

    /**
     * As {@link #subscribe(String, Consumer)}, and calls {@code subscribed} (on Lettuce's I/O
     * thread) each time Redis confirms this server's subscription to {@code channel}: the first
     * time, and again after every reconnect. Pub/sub is not durable, so a user that must not miss a
     * message treats each call as "messages may have been lost until now" (the prediction cache
     * empties its in-process entries); messages published after the call are delivered.
     */
    public void subscribe(String channel, Consumer<String> listener, Runnable subscribed) {
      onSubscribed.computeIfAbsent(channel, name -> new CopyOnWriteArrayList<>()).add(subscribed);
      listeners.computeIfAbsent(channel, name -> new CopyOnWriteArrayList<>()).add(listener);
      StatefulRedisPubSubConnection<String, String> open = pubSub;
      if (open != null) {
        open.async().subscribe(channel);
      } else {
        subscribeInBackground();
      }
    }

    /**
     * Publishes {@code message} on {@code channel} without waiting; false when there is no
     * connection to publish on.
     */
    public boolean publish(String channel, String message) {
      RedisAsyncCommands<String, byte[]> commands = commands();
      if (commands == null) {
        return false;
      }
      commands.publish(channel, message.getBytes(StandardCharsets.UTF_8));
      return true;
    }

    private void subscribeInBackground() {
      if (closed.get() || !subscribing.compareAndSet(false, true)) {
        return;
      }
      StatefulRedisPubSubConnection<String, String> open = pubSub;
      if (open != null) {
        // Made meanwhile: it may lack the channels registered since.
        open.async().subscribe(listeners.keySet().toArray(String[]::new));
        subscribing.set(false);
        return;
      }
      client()
          .connectPubSubAsync(StringCodec.UTF8, RedisURI.create(uri))
          .toCompletableFuture()
          .whenComplete(
              (connected, failure) -> {
                if (failure == null) {
                  connected.addListener(
                      new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String channel, String message) {
                          deliver(channel, message);
                        }

                        // Also after Lettuce's re-subscription on a reconnect.
                        @Override
                        public void subscribed(String channel, long count) {
                          confirmed(channel);
                        }
                      });
                  connected
                      .async()
                      .subscribe(listeners.keySet().toArray(String[]::new))
                      .whenComplete(
                          (ok, notSubscribed) -> {
                            // Published only once subscribed: a message sent after isSubscribed()
                            // says true is delivered.
                            pubSub = connected;
                            subscribing.set(false);
                          });
                  if (closed.get()) {
                    connected.closeAsync();
                  }
                  return;
                } else {
                  LOG.log(
                      Level.FINE,
                      "subscribing to Redis "
                          + redactedUri()
                          + " failed (tried again): "
                          + failure);
                }
                subscribing.set(false);
              });
    }

    private void deliver(String channel, String message) {
      for (Consumer<String> listener : listeners.getOrDefault(channel, List.of())) {
        try {
          listener.accept(message);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "a listener of Redis channel " + channel + " failed", e);
        }
      }
    }

    private void confirmed(String channel) {
      for (Runnable subscribed : onSubscribed.getOrDefault(channel, List.of())) {
        try {
          subscribed.run();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "a subscriber of Redis channel " + channel + " failed", e);
        }
      }
      confirmedOnce = true;
    }

    /** Whether this server listens on this Redis's channels now ({@link #subscribe}). */
    public boolean isSubscribed() {
      // The confirmation's callbacks ran too: what they drop is gone before this says true.
      return pubSub != null && confirmedOnce;
    }

    /** Whether the connection is open now. */
    public boolean isOpen() {
      return connection != null;
    }

    /** Whether a connection is being made now (a call then skips Redis without counting it). */
    public boolean isConnecting() {
      return connecting.get();
    }

    /** The URI without its password, for messages. */
    public String redactedUri() {
      return redacted(uri);
    }
  }
}
