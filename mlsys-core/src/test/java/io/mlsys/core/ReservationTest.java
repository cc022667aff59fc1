package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReservationTest {
  private final AtomicInteger released = new AtomicInteger();
  private final Object limit = new Object();

  @Test
  void aConsumedHoldIsReleasedOnceAndNotAgainOnClose() {
    Reservation reservation = Reservation.create();
    reservation.hold(limit, released::incrementAndGet);

    assertThat(reservation.consume(limit)).isTrue();
    assertThat(reservation.consume(limit)).isFalse();
    reservation.close();

    assertThat(released).hasValue(1);
  }

  @Test
  void closingReleasesTheHoldsNotConsumedAndRefusesNewOnes() {
    Reservation reservation = Reservation.create();
    Object other = new Object();
    reservation.hold(limit, released::incrementAndGet);
    reservation.hold(other, released::incrementAndGet);
    reservation.consume(other);

    reservation.close();
    reservation.close();

    assertThat(released).hasValue(2);
    assertThatThrownBy(() -> reservation.hold(limit, released::incrementAndGet))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCallWithoutAReservationConsumesNothing() {
    assertThat(Reservation.consume(CallContext.of(Clock.systemUTC()), limit)).isFalse();
  }
}
