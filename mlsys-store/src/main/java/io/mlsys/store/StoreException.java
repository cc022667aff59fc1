package io.mlsys.store;

/**
 * The store itself failed: the database is unreachable, a migration failed, or a statement failed
 * for a reason that is not the caller's input (a bug, a full disk). Not part of core's error
 * hierarchy: for a client it is an internal error, and the message says which store and what.
 */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
