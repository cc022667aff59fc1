package io.mlsys.repository;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Records lifecycle events as text, e.g. {@code loaded iris 2}. */
final class RecordingListener implements RepositoryListener {
  final Queue<String> events = new ConcurrentLinkedQueue<>();

  @Override
  public void loaded(String name, String version, Duration loadTime) {
    if (loadTime == null || loadTime.isNegative()) {
      events.add("bad load time " + loadTime);
    }
    events.add("loaded " + name + " " + version);
  }

  @Override
  public void failed(String name, String version, String reason) {
    events.add("failed " + name + " " + version);
  }

  @Override
  public void unloaded(String name, String version) {
    events.add("unloaded " + name + " " + version);
  }

  List<String> list() {
    return List.copyOf(events);
  }
}
