package io.mlsys.registry;

import java.time.Instant;

/**
 * One move of an alias, kept as its history.
 *
 * @param from the version it pointed to before, or null when it was new
 * @param to the version it points to after, or null when it was deleted
 */
public record AliasMove(
    String model, String alias, Long from, Long to, String actor, Instant at, String detail) {}
