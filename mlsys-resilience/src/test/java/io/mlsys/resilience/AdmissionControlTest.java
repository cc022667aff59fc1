package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionControlTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final CallContext noDeadline = CallContext.of(clock);

  @Test
  void beyondTheInFlightLimitACallIsShedWithRetryAfter() {
    AdmissionControl admission = AdmissionControl.bounded("server", 2, 1000, Duration.ZERO);
    admission.admit(1, noDeadline);
    admission.admit(1, noDeadline);

    assertThatThrownBy(() -> admission.admit(1, noDeadline))
        .isInstanceOfSatisfying(
            CapacityExceededException.class,
            e -> {
              assertThat(e.resource()).isEqualTo("server (2 requests in flight (the limit))");
              assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            });
    assertThat(admission.inFlight()).isEqualTo(2);
  }

  @Test
  void aSmallCallIsAdmittedWhileALargeOneDoesNotFitTheBudget() {
    AdmissionControl admission = AdmissionControl.bounded("server", 10, 100, Duration.ZERO);
    admission.admit(80, noDeadline);

    assertThatThrownBy(() -> admission.admit(50, noDeadline))
        .isInstanceOf(CapacityExceededException.class)
        .hasMessageContaining("80 of 100 bytes of the memory budget in use, 50 asked");
    AdmissionControl.Permit small = admission.admit(10, noDeadline);
    assertThat(admission.bytesInUse()).isEqualTo(90);
    small.close();
    assertThat(admission.bytesInUse()).isEqualTo(80);
  }

  @Test
  void aCallLargerThanTheBudgetRunsAlone() {
    AdmissionControl admission = AdmissionControl.bounded("server", 10, 100, Duration.ZERO);
    AdmissionControl.Permit huge = admission.admit(5000, noDeadline);

    assertThatThrownBy(() -> admission.admit(1, noDeadline))
        .isInstanceOf(CapacityExceededException.class);
    huge.close();
    admission.admit(5000, noDeadline).close();
    assertThat(admission.bytesInUse()).isZero();
  }

  @Test
  void closingTwiceGivesTheShareBackOnce() {
    AdmissionControl admission = AdmissionControl.bounded("server", 2, 100, Duration.ZERO);
    AdmissionControl.Permit first = admission.admit(30, noDeadline);
    admission.admit(30, noDeadline);

    first.close();
    first.close();

    assertThat(admission.inFlight()).isEqualTo(1);
    assertThat(admission.bytesInUse()).isEqualTo(30);
  }

  @Test
  void aWaitingCallIsAdmittedWhenAPermitCloses() throws Exception {
    AdmissionControl admission = AdmissionControl.bounded("server", 1, 100, Duration.ofMinutes(5));
    AdmissionControl.Permit running = admission.admit(10, noDeadline);
    try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
      CompletableFuture<AdmissionControl.Permit> waiting =
          CompletableFuture.supplyAsync(() -> admission.admit(10, noDeadline), threads);
      while (admission.waiting() == 0) {
        Thread.onSpinWait();
      }
      assertThat(waiting).isNotDone();

      running.close();

      AdmissionControl.Permit admitted = waiting.get(1, TimeUnit.MINUTES);
      assertThat(admission.inFlight()).isEqualTo(1);
      assertThat(admission.waiting()).isZero();
      admitted.close();
      assertThat(admission.inFlight()).isZero();
    }
  }

  @Test
  void aCallWhoseDeadlineHasPassedIsShedWithoutWaiting() {
    AdmissionControl admission = AdmissionControl.bounded("server", 1, 100, Duration.ofMinutes(5));
    admission.admit(10, noDeadline);
    CallContext expired = noDeadline.withTimeout(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));

    assertThatThrownBy(() -> admission.admit(10, expired))
        .isInstanceOf(CapacityExceededException.class);
    assertThat(admission.waiting()).isZero();
  }

  @Test
  void unlimitedAdmitsEverything() {
    AdmissionControl admission = AdmissionControl.unlimited();
    for (int i = 0; i < 1000; i++) {
      admission.admit(Long.MAX_VALUE, noDeadline);
    }
    assertThat(admission.inFlight()).isZero();
  }
}
