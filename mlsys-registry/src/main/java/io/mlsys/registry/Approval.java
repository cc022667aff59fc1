package io.mlsys.registry;

import java.time.Instant;

/** Someone approved a version for an alias that requires approval. */
public record Approval(
    String model, long version, String alias, String approver, String comment, Instant at) {}
