package io.mlsys.resilience;

import io.mlsys.core.CallContext;

/** {@link AdmissionControl#unlimited()}. */
enum UnlimitedAdmission implements AdmissionControl, AdmissionControl.Permit {
  INSTANCE;

  @Override
  public Permit admit(long bytes, CallContext context) {
    return this;
  }

  @Override
  public int inFlight() {
    return 0;
  }

  @Override
  public long bytesInUse() {
    return 0;
  }

  @Override
  public int waiting() {
    return 0;
  }

  @Override
  public void close() {}
}
