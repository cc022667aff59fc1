package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class AsyncLogHandlerTest {

  private static LogRecord record(String message) {
    return new LogRecord(Level.INFO, message);
  }

  @Test
  void closeWritesEveryQueuedLineInOrder() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AsyncLogHandler handler = new AsyncLogHandler(out, true, 100, new JsonLineFormatter());

    for (int i = 0; i < 50; i++) {
      handler.publish(record("{\"n\":" + i + "}"));
    }
    handler.close();

    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(50);
    assertThat(lines[0]).isEqualTo("{\"n\":0}");
    assertThat(lines[49]).isEqualTo("{\"n\":49}");
    assertThat(handler.dropped()).isZero();
  }

  @Test
  void dropsAndCountsLinesWhenTheQueueIsFull() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    OutputStream blocked =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            writing.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    // The writer flushes "first" into the blocked stream and stays there.
    AsyncLogHandler handler = new AsyncLogHandler(blocked, true, 2, new JsonLineFormatter());

    handler.publish(record("first"));
    writing.await();
    handler.publish(record("queued-1"));
    handler.publish(record("queued-2"));
    handler.publish(record("dropped"));

    assertThat(handler.dropped()).isEqualTo(1);
    release.countDown();
    handler.close();
  }

  @Test
  void publishAfterCloseIsIgnored() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AsyncLogHandler handler = new AsyncLogHandler(out, true, 10, new JsonLineFormatter());
    handler.close();

    handler.publish(record("late"));

    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void formatterPrintsTheMessageAsIs() {
    assertThat(new JsonLineFormatter().format(record("{\"a\":1}"))).isEqualTo("{\"a\":1}\n");
  }
}
