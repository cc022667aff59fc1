package io.mlsys.server;

import io.mlsys.server.config.Role;

/**
 * What an endpoint (REST route or gRPC method) requires of its caller, declared on each route:
 * {@link #MANAGE} is always enforced when tokens are required ({@code server.auth}), {@link #INFER}
 * only with {@code protect-inference}, {@link #READ} only with {@code protect-metadata}; {@link
 * #OPEN} never (health checks).
 */
enum Access {
  /** Health: always open, so probes and load balancers keep working. */
  OPEN(null),
  /** Metadata, model lists, statistics, metrics. */
  READ(Role.READ),
  /** Inference. */
  INFER(Role.INFER),
  /** Changes state (repository, graph parameters): also refused cross-site. */
  MANAGE(Role.MANAGE);

  private final Role role;

  Access(Role role) {
    this.role = role;
  }

  /** The role a caller needs, null for none. */
  Role role() {
    return role;
  }

  /** Whether the endpoint changes state, so that the cross-site request checks apply. */
  boolean changesState() {
    return this == MANAGE;
  }
}
