package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.StubModel;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With {@code access-log: false} nothing is written to the access logger. */
class AccessLogOffTest {
  private final Logger logger = Logger.getLogger(MlsysServer.ACCESS_LOGGER);
  private final List<String> lines = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
          lines.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level savedLevel;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder.repository(
                  new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")))));

  @BeforeEach
  void captureAccessLog() {
    savedLevel = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addHandler(capture);
  }

  @AfterEach
  void restoreAccessLog() {
    logger.removeHandler(capture);
    logger.setLevel(savedLevel);
  }

  @Test
  void nothingIsLogged() {
    server.postJson("/v2/models/iris/infer", InferTest.ROW);
    server.get("/v2/health/live");

    synchronized (capture) {
      assertThat(lines).isEmpty();
    }
  }
}
