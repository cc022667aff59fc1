package io.mlsys.registry;

/** Where a model version is in its registration, with MLflow's names. */
public enum VersionStatus {
  /** Created; its artifact is being copied and loaded. */
  PENDING_REGISTRATION,
  /** The artifact did not copy or load; the status message says why. It never serves. */
  FAILED_REGISTRATION,
  /** Loaded once at registration (its signature is known); it may get aliases and serve. */
  READY
}
