package io.mlsys.registry.jdbc;

import io.mlsys.store.Store;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens to a PostgreSQL notification channel on a connection of its own and calls back on every
 * notification; reconnects when the connection breaks, and calls back after reconnecting too (a
 * change may have been missed meanwhile).
 */
final class PostgresChangeListener implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PostgresChangeListener.class.getName());

  /** Its connection's purpose: PostgreSQL shows it as {@code mlsys-registry-listen}. */
  static final String APPLICATION = "listen";

  private static final int POLL_MILLIS = 500;
  private static final long RECONNECT_MILLIS = 1000;

  private final Store store;
  private final String channel;
  private final Runnable onChange;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private volatile Connection connection;

  private PostgresChangeListener(Store store, String channel, Runnable onChange) {
    this.store = store;
    this.channel = channel;
    this.onChange = onChange;
    this.thread = Thread.ofPlatform().daemon().name("mlsys-registry-listen").unstarted(this::run);
  }

  static PostgresChangeListener start(Store store, String channel, Runnable onChange) {
    PostgresChangeListener listener = new PostgresChangeListener(store, channel, onChange);
    // Listen before returning, so that a change made right after subscribe() is seen.
    try {
      listener.connect();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "registry change listener: cannot listen yet, will retry", e);
    }
    listener.thread.start();
    return listener;
  }

  private void connect() throws SQLException {
    Connection opened = store.openDedicatedConnection(APPLICATION);
    try (Statement statement = opened.createStatement()) {
      // The channel is <schema>_changes, and a schema name is a checked identifier.
      statement.execute("LISTEN \"" + channel + "\"");
    } catch (SQLException e) {
      opened.close();
      throw e;
    }
    connection = opened;
  }

  private void run() {
    boolean missed = false;
    while (running.get()) {
      try {
        if (connection == null) {
          connect();
          if (missed) {
            notifyChange();
          }
          missed = false;
        }
        PGNotification[] notifications =
            connection.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
        if (notifications != null && notifications.length > 0) {
          notifyChange();
        }
      } catch (SQLException e) {
        if (!running.get()) {
          return;
        }
        LOG.log(Level.WARNING, "registry change listener: connection lost, reconnecting", e);
        closeConnection();
        missed = true;
        pause();
      }
    }
  }

  private void notifyChange() {
    try {
      onChange.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "registry change listener: callback failed", e);
    }
  }

  private void pause() {
    try {
      Thread.sleep(RECONNECT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
    }
  }

  private void closeConnection() {
    Connection current = connection;
    connection = null;
    if (current != null) {
      try {
        current.close();
      } catch (SQLException e) {
        // Already broken.
      }
    }
  }

  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(POLL_MILLIS * 4L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }
}
