package io.mlsys.core.spi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Resources by type behind one reentrant lock: they are made while models load, never per call, and
 * a factory may ask for another resource (which a {@code ConcurrentHashMap} would refuse).
 */
final class MapSharedResources implements SharedResources {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Class<?>, Object> byType = new HashMap<>();
  private final List<Object> inOrder = new ArrayList<>();
  private boolean closed;

  @Override
  public <T> Optional<T> find(Class<T> type) {
    lock.lock();
    try {
      return Optional.ofNullable(type.cast(byType.get(type)));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public <T> T computeIfAbsent(Class<T> type, Supplier<? extends T> create) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("shared resources: closed (asked for " + type + ")");
      }
      Object found = byType.get(type);
      if (found == null) {
        found = type.cast(Objects.requireNonNull(create.get(), "resource of " + type));
        byType.put(type, found);
        inOrder.add(found);
      }
      return type.cast(found);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    List<Object> closing;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closing = new ArrayList<>(inOrder);
    } finally {
      lock.unlock();
    }
    RuntimeException failure = null;
    for (Object resource : closing.reversed()) {
      if (resource instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          RuntimeException wrapped =
              e instanceof RuntimeException runtime
                  ? runtime
                  : new IllegalStateException("closing " + resource + " failed", e);
          if (failure == null) {
            failure = wrapped;
          } else {
            failure.addSuppressed(wrapped);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "SharedResources" + byType.keySet();
    } finally {
      lock.unlock();
    }
  }
}
