package io.mlsys.registry;

import java.util.List;

/**
 * A search as MLflow clients send it.
 *
 * @param filter MLflow filter syntax (e.g. {@code name LIKE 'iris%' AND tags.team = 'ml'}), empty
 *     or null for all
 * @param orderBy MLflow order clauses (e.g. {@code name ASC}, {@code last_updated_timestamp DESC})
 * @param maxResults page size, 1..the call's limit
 * @param pageToken token from the previous page, or null for the first
 */
public record SearchQuery(String filter, List<String> orderBy, int maxResults, String pageToken) {
  public SearchQuery {
    orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
  }

  public static SearchQuery all(int maxResults) {
    return new SearchQuery(null, List.of(), maxResults, null);
  }
}
