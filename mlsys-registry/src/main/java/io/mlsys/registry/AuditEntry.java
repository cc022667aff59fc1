package io.mlsys.registry;

import java.time.Instant;

/**
 * One change to the registry: who, when, what, old and new value.
 *
 * @param action e.g. {@code model.create}, {@code version.register}, {@code alias.set}, {@code
 *     alias.refused}, {@code version.approve}, {@code version.delete}, {@code tag.set}
 * @param version the version concerned, or null
 * @param alias the alias concerned, or null
 * @param detail e.g. a promotion rule's check with its numbers, or a refusal's reason
 */
public record AuditEntry(
    long id,
    Instant at,
    String actor,
    String action,
    String model,
    Long version,
    String alias,
    String oldValue,
    String newValue,
    String detail) {}
