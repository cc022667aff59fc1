package io.mlsys.repository;

/** Model version states, named as in Triton's repository index. */
public enum ModelState {
  LOADING,
  READY,
  UNLOADING,
  UNAVAILABLE,
  FAILED
}
