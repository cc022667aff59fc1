package io.mlsys.resilience;

/** {@link BatchingListener#none()}. */
enum SilentBatchingListener implements BatchingListener {
  INSTANCE;

  @Override
  public void queued(String model, long queueNanos) {}

  @Override
  public void batchRun(String model, int requests, int rows) {}

  @Override
  public void rejected(String model, String reason) {}

  @Override
  public void batchCap(String model, int rows) {}
}
