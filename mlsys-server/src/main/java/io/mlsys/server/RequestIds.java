package io.mlsys.server;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Request ids for requests that bring none: unique per process run, cheap to make. */
final class RequestIds implements Supplier<String> {
  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  private RequestIds(String prefix) {
    this.prefix = prefix;
  }

  /** Ids of the form {@code <8 random hex digits>-<counter in hex>}. */
  static RequestIds random() {
    byte[] bytes = new byte[4];
    new SecureRandom().nextBytes(bytes);
    return new RequestIds(HexFormat.of().formatHex(bytes) + "-");
  }

  static RequestIds withPrefix(String prefix) {
    return new RequestIds(prefix);
  }

  @Override
  public String get() {
    return prefix + Long.toHexString(counter.incrementAndGet());
  }
}
