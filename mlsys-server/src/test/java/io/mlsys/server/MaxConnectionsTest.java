package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The connection limit never reaches the descriptors the process needs for everything else, and
 * Helidon's own limit stays above it.
 */
class MaxConnectionsTest {

  @Test
  void aLimitWellBelowTheOpenFileLimitIsKept() {
    assertThat(HelidonMlsysServer.effectiveMaxConnections(10_000, 20_000)).isEqualTo(10_000);
  }

  @Test
  void aLimitAtOrAboveTheOpenFileLimitIsLoweredToThreeQuartersOfIt() {
    assertThat(HelidonMlsysServer.effectiveMaxConnections(10_000, 1024)).isEqualTo(768);
    assertThat(HelidonMlsysServer.effectiveMaxConnections(800, 1024)).isEqualTo(768);
  }

  @Test
  void anUnknownOpenFileLimitKeepsTheSetting() {
    assertThat(HelidonMlsysServer.effectiveMaxConnections(10_000, -1)).isEqualTo(10_000);
  }

  @Test
  void helidonsHardCapLeavesRoomForRefusalsAboveTheLimit() {
    assertThat(HelidonMlsysServer.hardConnectionCap(10_000, -1)).isEqualTo(11_000);
    assertThat(HelidonMlsysServer.hardConnectionCap(3, -1)).isEqualTo(67);
    assertThat(HelidonMlsysServer.hardConnectionCap(768, 1024)).isEqualTo(844);
  }

  @Test
  void helidonsHardCapStaysBelowSevenEighthsOfTheOpenFileLimitButAboveTheLimit() {
    assertThat(HelidonMlsysServer.hardConnectionCap(192, 256)).isEqualTo(224);
    assertThat(HelidonMlsysServer.hardConnectionCap(1000, 1024)).isEqualTo(1001);
  }
}
