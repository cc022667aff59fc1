package io.mlsys.graph;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.client.OipClientOptions;
import io.mlsys.core.spi.SharedResources;
import java.time.Clock;
import java.util.Objects;

/**
 * What every graph of one generation shares.
 *
 * @param clock dates parameter changes and audit lines (deadlines and {@code time} rules read the
 *     clock of each call's {@link io.mlsys.core.CallContext})
 * @param remote the clock and sleeper of remote clients; each {@code remote} node's own
 *     connect-timeout, max-attempts and retry-backoff replace the other fields
 * @param auditLog receives one INFO line per changed runtime parameter
 * @param resources what outlives a generation and node kinds share (such as the experiments of
 *     {@code split} and {@code mirror} nodes): the server's, closed when it stops
 * @param meterRegistry where node kinds register their meters (the server's registry, so they are
 *     scraped with the rest); meters with the same name and tags are shared across generations, so
 *     counts go on over a reload
 */
public record GraphOptions(
    Clock clock,
    OipClientOptions remote,
    System.Logger auditLog,
    SharedResources resources,
    MeterRegistry meterRegistry) {
  /** The name of the default audit logger. */
  public static final String AUDIT_LOGGER = "io.mlsys.graph.audit";

  public GraphOptions {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(remote, "remote");
    Objects.requireNonNull(auditLog, "auditLog");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
  }

  /**
   * The system UTC clock, default remote options, the {@value #AUDIT_LOGGER} logger, no shared
   * resources, and a registry of its own that nothing scrapes.
   */
  public static GraphOptions defaults() {
    return new GraphOptions(
        Clock.systemUTC(),
        OipClientOptions.defaults(),
        System.getLogger(AUDIT_LOGGER),
        SharedResources.create(),
        new SimpleMeterRegistry());
  }

  public GraphOptions withClock(Clock newClock) {
    return new GraphOptions(newClock, remote, auditLog, resources, meterRegistry);
  }

  public GraphOptions withRemote(OipClientOptions newRemote) {
    return new GraphOptions(clock, newRemote, auditLog, resources, meterRegistry);
  }

  public GraphOptions withAuditLog(System.Logger newAuditLog) {
    return new GraphOptions(clock, remote, newAuditLog, resources, meterRegistry);
  }

  public GraphOptions withResources(SharedResources newResources) {
    return new GraphOptions(clock, remote, auditLog, newResources, meterRegistry);
  }

  public GraphOptions withMeterRegistry(MeterRegistry newMeterRegistry) {
    return new GraphOptions(clock, remote, auditLog, resources, newMeterRegistry);
  }
}
