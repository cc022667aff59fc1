package io.mlsys.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Sleeper} that records each pause instead of sleeping. */
final class RecordingSleeper implements Sleeper {
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) {
    pauses.add(duration);
  }

  List<Duration> pauses() {
    return List.copyOf(pauses);
  }
}
