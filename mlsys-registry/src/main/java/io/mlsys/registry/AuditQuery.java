package io.mlsys.registry;

/**
 * Which audit entries to read, newest first.
 *
 * @param model only this model's, or null for all
 * @param maxResults page size
 * @param pageToken from the previous page, or null
 */
public record AuditQuery(String model, int maxResults, String pageToken) {}
