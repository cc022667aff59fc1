package io.mlsys.repository;

import io.mlsys.core.Model;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model version as the repository holds it. A ready slot is shared by the calls that use it and
 * closed exactly once, after it is retired and its last call has finished.
 *
 * <p>The reference count starts at 1 (the repository's own reference, dropped by {@link #retire()})
 * and every call adds one while it runs. Once the count reaches 0 it never rises again, so {@link
 * #acquire()} fails for a retired, idle slot and the caller looks the model up again.
 */
final class VersionSlot {
  private static final System.Logger LOG = System.getLogger(VersionSlot.class.getName());

  private final String version;
  private final ModelState state;
  private final String reason;
  private final Duration loadTime;
  private final Model model;
  private final AtomicInteger references;
  private final AtomicBoolean retired = new AtomicBoolean();

  private VersionSlot(
      String version, ModelState state, String reason, Duration loadTime, Model model) {
    this.version = Objects.requireNonNull(version, "version");
    this.state = state;
    this.reason = reason;
    this.loadTime = loadTime;
    this.model = model;
    this.references = new AtomicInteger(model == null ? 0 : 1);
  }

  static VersionSlot ready(String version, Model model, Duration loadTime) {
    return new VersionSlot(
        version, ModelState.READY, "", loadTime, Objects.requireNonNull(model, "model"));
  }

  /** A version that is listed but holds no model: LOADING, FAILED or UNAVAILABLE. */
  static VersionSlot notServing(String version, ModelState state, String reason) {
    if (state == ModelState.READY) {
      throw new IllegalArgumentException("state: READY (expected: a state without a model)");
    }
    return new VersionSlot(version, state, reason, null, null);
  }

  String version() {
    return version;
  }

  ModelState state() {
    return state;
  }

  String reason() {
    return reason;
  }

  boolean isReady() {
    return state == ModelState.READY;
  }

  /** The loaded model; only valid between a successful {@link #acquire()} and its release. */
  Model model() {
    return model;
  }

  ModelStatus status(String name) {
    return new ModelStatus(name, version, state, reason, loadTime);
  }

  /** Takes a reference for one call; false when the slot is retired and already idle. */
  boolean acquire() {
    while (true) {
      int current = references.get();
      if (current == 0) {
        return false;
      }
      if (references.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Ends one call; the last one out of a retired slot closes the model. */
  void release() {
    if (references.decrementAndGet() == 0) {
      closeModel();
    }
  }

  /**
   * Stops handing this slot out; the model is closed now if idle, else when its last call ends.
   * Call only after the slot is no longer reachable from the current snapshot. Idempotent.
   */
  void retire() {
    if (model != null && retired.compareAndSet(false, true)) {
      release();
    }
  }

  private void closeModel() {
    try {
      model.close();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "closing model version " + version + " failed", e);
    }
  }
}
