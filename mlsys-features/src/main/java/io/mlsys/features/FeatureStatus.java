package io.mlsys.features;

/**
 * The status of one feature of one entity, in the words feature stores use (Feast's {@code
 * FieldStatus}), so a client of either reads it alike.
 */
public enum FeatureStatus {
  /** The value is there and fresh. */
  PRESENT,
  /** The entity's row has the column, but it is NULL: the missing value stands in. */
  NULL_VALUE,
  /** No row for the entity: the missing value stands in. */
  NOT_FOUND,
  /** The row is older than {@code max-age}: the value is served and flagged. */
  OUTSIDE_MAX_AGE
}
