package io.mlsys.registry.tracking;

/** MLflow's run statuses. */
public enum RunStatus {
  RUNNING,
  SCHEDULED,
  FINISHED,
  FAILED,
  KILLED
}
