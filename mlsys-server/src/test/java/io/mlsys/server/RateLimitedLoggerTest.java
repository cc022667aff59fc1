package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateLimitedLoggerTest {
  private static final String NAME = "io.mlsys.server.RateLimitedLoggerTest.sink";

  private final AtomicLong nanos = new AtomicLong();
  private final LogRecorder logs = new LogRecorder(NAME);
  private final RateLimitedLogger logger =
      new RateLimitedLogger(
          System.getLogger(NAME), new LogRateLimit(3, Duration.ofSeconds(10), nanos::get));

  @BeforeEach
  void capture() {
    logs.start();
  }

  @AfterEach
  void release() {
    logs.stop();
  }

  private void logTimes(int times) {
    for (int i = 0; i < times; i++) {
      logger.log(Level.WARNING, "model failed", new IllegalStateException("boom"));
    }
  }

  @Test
  void firstFewPerWindowAreWrittenWithTheirTrace() {
    logTimes(1000);

    assertThat(logs.records()).hasSize(3);
    assertThat(logs.records()).allSatisfy(r -> assertThat(r.getThrown()).isNotNull());
  }

  @Test
  void nextWindowStartsWithTheCountOfSuppressedOnes() {
    logTimes(1000);
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());

    logTimes(1);

    LogRecord last = logs.records().getLast();
    assertThat(logs.records()).hasSize(4);
    assertThat(last.getMessage())
        .isEqualTo("model failed (997 similar messages suppressed before this one)");
  }

  @Test
  void withinTheWindowNothingMoreIsWritten() {
    logTimes(3);
    nanos.addAndGet(Duration.ofSeconds(9).toNanos());

    logTimes(5);

    assertThat(logs.records()).hasSize(3);
  }

  @Test
  void suppressedCountIsReportedOnce() {
    logTimes(5);
    nanos.addAndGet(Duration.ofSeconds(10).toNanos());
    logTimes(2);

    assertThat(logs.records().get(3).getMessage()).contains("2 similar messages suppressed");
    assertThat(logs.records().get(4).getMessage()).isEqualTo("model failed");
  }
}
