package io.mlsys.server;

import io.helidon.common.Weight;
import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that java.util.logging is configured by whoever starts the server (the CLI sets a
 * one-line console format; an embedding application keeps its own), so Helidon neither configures
 * it nor prints "There is no Helidon logging implementation on classpath" on standard output.
 * Helidon finds it through {@code ServiceLoader}, its documented extension point for logging; the
 * lowest weight lets a real implementation on the classpath, such as {@code helidon-logging-jul},
 * take over.
 */
@Weight(0.1)
public final class HelidonLogging implements LoggingProvider {
  /** For {@code ServiceLoader}. */
  public HelidonLogging() {}

  @Override
  public void initialization() {}

  @Override
  public void runTime() {}
}
