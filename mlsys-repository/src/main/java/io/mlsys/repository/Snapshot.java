package io.mlsys.repository;

import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What one model serves at one moment; immutable, replaced as a whole on every load and unload.
 *
 * @param versions the configured versions, highest first
 * @param failure why the model as a whole is not served (bad config.yaml, no versions), or null
 * @param unloaded whether it was unloaded on purpose (or the repository closed)
 * @param removed whether its source is gone: it is unknown again
 */
record Snapshot(List<VersionSlot> versions, String failure, boolean unloaded, boolean removed) {

  /** Numeric order of canonical positive integers: by length, then by digits. */
  static final Comparator<String> VERSION_ORDER =
      Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

  static final String UNLOADED = "unloaded";

  Snapshot {
    versions =
        versions.stream()
            .sorted(Comparator.comparing(VersionSlot::version, VERSION_ORDER).reversed())
            .toList();
  }

  static Snapshot initial() {
    return new Snapshot(List.of(), null, false, false);
  }

  static Snapshot of(List<VersionSlot> versions) {
    return new Snapshot(versions, null, false, false);
  }

  static Snapshot failed(String failure) {
    return new Snapshot(List.of(), failure, false, false);
  }

  static Snapshot gone() {
    return new Snapshot(List.of(), null, true, true);
  }

  /** The same versions, none served, each with {@code reason}. */
  Snapshot withdrawn(String reason) {
    List<VersionSlot> withdrawn = new ArrayList<>();
    for (VersionSlot slot : versions) {
      withdrawn.add(VersionSlot.notServing(slot.version(), ModelState.UNAVAILABLE, reason));
    }
    return new Snapshot(withdrawn, null, true, removed);
  }

  boolean hasReady() {
    return versions.stream().anyMatch(VersionSlot::isReady);
  }

  /** Whether calls can be served now. */
  boolean isServing() {
    return !unloaded && !removed && hasReady();
  }

  /**
   * Whether the model serves as its version policy asks: at least one version is ready and none is
   * still loading. A version that failed while others serve is reported by its own status, not by
   * making the whole model unready.
   */
  boolean isReady() {
    return failure == null
        && hasReady()
        && versions.stream().noneMatch(slot -> slot.state() == ModelState.LOADING);
  }

  /** Whether the model is known but nothing was tried yet (listed by a scan, not loaded). */
  boolean pending() {
    return versions.isEmpty() && failure == null && !unloaded && !removed;
  }

  /** The same slots (still serving), plus {@code failed} versions that are not listed yet. */
  Snapshot withFailures(List<VersionSlot> failed) {
    List<VersionSlot> merged = new ArrayList<>(versions);
    for (VersionSlot slot : failed) {
      if (!lists(slot.version())) {
        merged.add(slot);
      }
    }
    return new Snapshot(merged, failure, unloaded, removed);
  }

  boolean lists(String version) {
    return versions.stream().anyMatch(slot -> slot.version().equals(version));
  }

  /** The ready versions, highest first; when none is ready, every listed version. */
  List<String> versionNames() {
    return versions.stream()
        .filter(slot -> slot.isReady() || !hasReady())
        .map(VersionSlot::version)
        .toList();
  }

  /**
   * The slot a call to {@code version} (null: the highest ready one) goes to.
   *
   * @throws ModelNotFoundException when the model or version is not configured
   * @throws ModelNotReadyException when it is configured but not loaded
   */
  VersionSlot resolve(String name, String version) {
    if (removed) {
      throw new ModelNotFoundException(name, null);
    }
    if (version == null) {
      for (VersionSlot slot : versions) {
        if (slot.isReady()) {
          return slot;
        }
      }
      throw new ModelNotReadyException(name, notReadyReason());
    }
    for (VersionSlot slot : versions) {
      if (slot.version().equals(version)) {
        if (slot.isReady()) {
          return slot;
        }
        throw new ModelNotReadyException(name, describe(slot));
      }
    }
    if (failure != null) {
      throw new ModelNotReadyException(name, failure);
    }
    if (pending()) {
      // Scanned, not loaded yet: which versions it will serve is not known until it loads.
      throw new ModelNotReadyException(name, notReadyReason());
    }
    throw new ModelNotFoundException(name, version);
  }

  /** Statuses in ascending version order; one version-less status when no version is listed. */
  List<ModelStatus> statuses(String name) {
    if (versions.isEmpty()) {
      ModelState state =
          failure != null
              ? ModelState.FAILED
              : unloaded ? ModelState.UNAVAILABLE : ModelState.LOADING;
      String reason = failure != null ? failure : unloaded ? UNLOADED : "";
      return List.of(new ModelStatus(name, null, state, reason, null));
    }
    return versions.reversed().stream().map(slot -> slot.status(name)).toList();
  }

  private String notReadyReason() {
    if (failure != null) {
      return failure;
    }
    if (versions.isEmpty()) {
      return unloaded ? UNLOADED : "loading";
    }
    if (versions.stream().allMatch(slot -> slot.state() == versions.getFirst().state())
        && versions.stream().map(VersionSlot::reason).distinct().count() == 1) {
      VersionSlot first = versions.getFirst();
      return first.reason().isEmpty()
          ? first.state().name().toLowerCase(java.util.Locale.ROOT)
          : first.reason();
    }
    return versions.stream().map(Snapshot::describe).collect(Collectors.joining("; "));
  }

  private static String describe(VersionSlot slot) {
    return "version "
        + slot.version()
        + " is "
        + slot.state()
        + (slot.reason().isEmpty() ? "" : ": " + slot.reason());
  }
}
