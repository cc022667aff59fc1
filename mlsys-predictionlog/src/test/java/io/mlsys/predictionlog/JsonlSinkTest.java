package io.mlsys.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlSinkTest {
  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:00:00Z");
  private final EventFactory factory = new EventFactory(new Random(3));

  @TempDir Path dir;

  private List<PredictionEvent> events(int from, int to) {
    List<PredictionEvent> events = new ArrayList<>();
    for (int i = from; i < to; i++) {
      events.add(factory.event(Calls.call("r" + i, clock.instant())));
    }
    return events;
  }

  private static List<String> requestIds(List<Path> files) throws IOException {
    List<String> ids = new ArrayList<>();
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        ids.add(PredictionEvent.fromJson(line).requestId());
      }
    }
    return ids;
  }

  @Test
  void writesOneLinePerEventAndRotatesBySize() throws IOException {
    int lineBytes = (events(0, 1).getFirst().toJson() + "\n").length();
    JsonlSinkConfig config =
        JsonlSinkConfig.in(dir).withRotation(Math.max(1024, lineBytes * 4L), Duration.ofHours(1));
    try (JsonlSink sink = JsonlSink.open(config, clock)) {
      sink.write(events(0, 10));
      sink.write(events(10, 20));
      List<Path> files = sink.files();
      assertThat(files.size()).isGreaterThan(1);
      assertThat(requestIds(files))
          .containsExactlyElementsOf(
              java.util.stream.IntStream.range(0, 20).mapToObj(i -> "r" + i).toList());
      for (Path file : files.subList(0, files.size() - 1)) {
        assertThat(Files.size(file)).isGreaterThanOrEqualTo(config.maxFileBytes());
      }
    }
  }

  @Test
  void rotatesByAgeAtTheNextWrite() throws IOException {
    try (JsonlSink sink =
        JsonlSink.open(
            JsonlSinkConfig.in(dir).withRotation(1 << 20, Duration.ofMinutes(10)), clock)) {
      sink.write(events(0, 2));
      clock.advance(Duration.ofMinutes(9));
      sink.write(events(2, 3));
      assertThat(sink.files()).hasSize(1);
      clock.advance(Duration.ofMinutes(1));
      sink.write(events(3, 4));
      assertThat(sink.files()).hasSize(2);
      assertThat(sink.files().getFirst().getFileName().toString())
          .isEqualTo("predictions-20261207T100000.000Z-1.jsonl");
      assertThat(requestIds(sink.files())).containsExactly("r0", "r1", "r2", "r3");
    }
  }

  @Test
  void deletesClosedFilesPastTheirAgeAndBeyondTheTotalSize() throws IOException {
    JsonlSinkConfig config =
        JsonlSinkConfig.in(dir)
            .withRotation(1 << 20, Duration.ofHours(1))
            .withRetention(Duration.ofHours(3), 1 << 30);
    try (JsonlSink sink = JsonlSink.open(config, clock)) {
      for (int hour = 0; hour < 5; hour++) {
        sink.write(events(hour, hour + 1));
        clock.advance(Duration.ofHours(1));
      }
      // Files opened at 10:00 ... 14:00; at 15:00 (rotation) those opened before 12:00 go.
      sink.write(events(5, 6));
      assertThat(requestIds(sink.files())).containsExactly("r2", "r3", "r4", "r5");
    }
    JsonlSinkConfig small = config.withRetention(Duration.ofDays(7), 1024);
    try (JsonlSink sink = JsonlSink.open(small, clock)) {
      sink.write(events(6, 7));
      clock.advance(Duration.ofHours(1));
      sink.write(events(7, 8));
      List<Path> files = sink.files();
      long closedBytes = 0;
      for (Path file : files.subList(0, files.size() - 1)) {
        closedBytes += Files.size(file);
      }
      // At the rotation the oldest closed files went until the rest fit; the new file came after.
      assertThat(closedBytes).isLessThanOrEqualTo(1024);
      assertThat(requestIds(files)).doesNotContain("r2").contains("r6");
      assertThat(requestIds(sink.files())).endsWith("r7");
    }
  }
}
