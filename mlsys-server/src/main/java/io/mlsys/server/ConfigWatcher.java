package io.mlsys.server;

import io.mlsys.config.ConfigException;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Watches mlsys.yaml and hands each new, valid version to a consumer. It compares the file's
 * content (SHA-256), not its timestamp, so an editor's save, a {@code mv} over the file and a
 * Kubernetes ConfigMap's symlink swap are all seen, and rewriting identical content is not a
 * change. An invalid file is logged with every violation and ignored: the old config keeps serving.
 */
final class ConfigWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ConfigWatcher.class.getName());

  /** How often the file is checked. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

  private final Path file;
  private final Consumer<MlsysConfig> onChange;
  private byte[] lastDigest;
  private Thread poller;
  private volatile boolean closed;

  ConfigWatcher(Path file, Consumer<MlsysConfig> onChange) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.lastDigest = digest();
  }

  /** Starts polling on a virtual thread. */
  synchronized ConfigWatcher start() {
    if (poller == null) {
      poller = Thread.ofVirtual().name("mlsys-config-watcher").start(this::poll);
    }
    return this;
  }

  private void poll() {
    while (!closed) {
      try {
        Thread.sleep(POLL_INTERVAL);
      } catch (InterruptedException e) {
        return;
      }
      checkNow();
    }
  }

  /**
   * Reads the file once: when its content changed and it is valid, hands it on.
   *
   * @return whether a new config was handed on
   */
  synchronized boolean checkNow() {
    byte[] digest = digest();
    if (digest == null || Arrays.equals(digest, lastDigest)) {
      return false;
    }
    lastDigest = digest;
    MlsysConfig config;
    try {
      config = MlsysConfigLoader.load(file);
    } catch (ConfigException e) {
      LOG.log(
          Level.WARNING,
          "{0} changed but is invalid; the old config keeps serving: {1}",
          file,
          e.getMessage());
      return false;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot read " + file + "; the old config keeps serving", e);
      return false;
    }
    try {
      onChange.accept(config);
      return true;
    } catch (ConfigException e) {
      LOG.log(
          Level.WARNING,
          "{0} changed but its graphs are invalid; the old config keeps" + " serving: {1}",
          file,
          e.getMessage());
      return false;
    }
  }

  /** The file's SHA-256, or null when it cannot be read right now (mid-replace). */
  private byte[] digest() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (poller != null) {
      poller.interrupt();
    }
  }
}
