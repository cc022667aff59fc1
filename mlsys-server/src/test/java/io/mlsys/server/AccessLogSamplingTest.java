package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.AccessLogConfig;
import java.time.Instant;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sampling, the errors policy and the level of {@link AccessLog} lines. */
class AccessLogSamplingTest {
  private final LogRecorder logs = new LogRecorder(MlsysServer.ACCESS_LOGGER, Level.INFO);

  @BeforeEach
  void capture() {
    logs.start();
  }

  @AfterEach
  void release() {
    logs.stop();
  }

  private static AccessLog.Entry http(int status) {
    return new AccessLog.Entry(
        Instant.EPOCH, "r", "GET", "/v2", status, 0, null, null, 0, 0, null, null);
  }

  private static AccessLog.Entry grpc(String status) {
    return new AccessLog.Entry(
        Instant.EPOCH, "r", "POST", "/p/M", 200, 0, null, null, 0, 0, status, null);
  }

  private static AccessLog sampled(double rate, AccessLogConfig.Errors errors) {
    return new AccessLog(AccessLogConfig.defaults().withSampling(rate, errors));
  }

  @Test
  void everyRequestIsLoggedByDefault() {
    AccessLog log = new AccessLog(AccessLogConfig.defaults());
    for (int i = 0; i < 50; i++) {
      log.log(http(200));
    }

    assertThat(logs.records()).hasSize(50);
  }

  @Test
  void sampleRateLogsThatFractionExactly() {
    AccessLog log = sampled(0.1, AccessLogConfig.Errors.ALWAYS);
    for (int i = 0; i < 1000; i++) {
      log.log(http(200));
    }

    assertThat(logs.records()).hasSize(100);
  }

  @Test
  void errorsAreAlwaysLoggedWhileSampling() {
    AccessLog log = sampled(0, AccessLogConfig.Errors.ALWAYS);
    for (int i = 0; i < 10; i++) {
      log.log(http(200));
      log.log(http(404));
      log.log(grpc("INTERNAL"));
      log.log(grpc("OK"));
    }

    assertThat(logs.records()).hasSize(20);
  }

  @Test
  void errorsAreSampledWhenSoConfigured() {
    AccessLog log = sampled(0.5, AccessLogConfig.Errors.SAMPLED);
    for (int i = 0; i < 10; i++) {
      log.log(http(500));
    }

    assertThat(logs.records()).hasSize(5);
  }

  @Test
  void clientCancelIsNotAnError() {
    AccessLog log = sampled(0, AccessLogConfig.Errors.ALWAYS);
    log.log(grpc("CANCELLED"));

    assertThat(logs.records()).isEmpty();
  }

  @Test
  void linesAreWrittenAtTheConfiguredLevel() {
    AccessLogConfig warning =
        new AccessLogConfig(
            true,
            System.Logger.Level.WARNING,
            1,
            AccessLogConfig.Errors.ALWAYS,
            null,
            AccessLogConfig.DEFAULT_MAX_FILE_BYTES,
            AccessLogConfig.DEFAULT_MAX_FILES);
    new AccessLog(warning).log(http(200));

    assertThat(logs.records())
        .singleElement()
        .satisfies(r -> assertThat(r.getLevel()).isEqualTo(Level.WARNING));
  }

  @Test
  void offMeansNothingToBuild() {
    assertThat(new AccessLog(AccessLogConfig.enabled(false)).isEnabled()).isFalse();
  }
}
