package io.mlsys.store;

import java.sql.SQLException;
import java.util.Locale;

/** The databases the store runs on, and what differs between them. */
public enum Database {
  /** Embedded, one file per owner; writers serialize on the file (WAL, immediate transactions). */
  SQLITE,
  /** Shared; one schema per owner; LISTEN/NOTIFY and SKIP LOCKED available. */
  POSTGRESQL;

  // SQLite primary result codes (extended codes carry them in the low byte).
  private static final int SQLITE_BUSY = 5;
  private static final int SQLITE_LOCKED = 6;

  /** The folder name of this database's migrations: {@code db/<owner>/<vendor>}. */
  public String vendor() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether changes can be pushed to listeners ({@code LISTEN/NOTIFY}). */
  public boolean supportsNotify() {
    return this == POSTGRESQL;
  }

  /** Whether {@code SELECT ... FOR UPDATE SKIP LOCKED} exists (for job queues). */
  public boolean supportsSkipLocked() {
    return this == POSTGRESQL;
  }

  /**
   * Whether the failure is transient contention that the same transaction, run again, may not meet:
   * SQLite's busy or locked database (after its busy timeout), PostgreSQL's serialization failure
   * or deadlock.
   */
  public boolean isRetryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && retryable(sql)) {
        return true;
      }
    }
    return false;
  }

  private boolean retryable(SQLException e) {
    return switch (this) {
      case SQLITE -> {
        int primary = e.getErrorCode() & 0xff;
        yield primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
      }
      case POSTGRESQL -> "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    };
  }

  /** Whether the failure is a unique or primary key violation. */
  public boolean isUniqueViolation(SQLException e) {
    return switch (this) {
      // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555)
      case SQLITE -> e.getErrorCode() == 2067 || e.getErrorCode() == 1555;
      case POSTGRESQL -> "23505".equals(e.getSQLState());
    };
  }
}
