package io.mlsys.resilience;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every listener call. */
final class RecordingListener implements BatchingListener {
  final List<Long> queueNanos = new CopyOnWriteArrayList<>();
  final List<String> runs = new CopyOnWriteArrayList<>();
  final List<String> rejections = new CopyOnWriteArrayList<>();
  final List<Integer> caps = new CopyOnWriteArrayList<>();

  @Override
  public void queued(String model, long queueNanos) {
    this.queueNanos.add(queueNanos);
  }

  /** Recorded as {@code "requests/rows"}. */
  @Override
  public void batchRun(String model, int requests, int rows) {
    runs.add(requests + "/" + rows);
  }

  @Override
  public void rejected(String model, String reason) {
    rejections.add(reason);
  }

  @Override
  public void batchCap(String model, int rows) {
    caps.add(rows);
  }
}
