package io.mlsys.batch;

import java.io.IOException;

/**
 * Where predictions (or rejected rows) go, chunk by chunk. A sink is cut back, when it opens, to
 * the position the last checkpoint recorded, so what a killed run wrote after that checkpoint is
 * gone before the rows are written again: each row ends up in it exactly once.
 */
public interface RowSink extends AutoCloseable {
  /** Where it is, for messages. */
  String describe();

  /**
   * Opens it with these columns, cut back to {@code position}.
   *
   * @param position what {@link #commit} returned before the last checkpoint; null for a fresh run
   *     (the sink is emptied)
   */
  void open(Columns columns, String position) throws IOException;

  /** Whether it holds anything already (a file, a table), so that a fresh run must empty it. */
  boolean exists() throws IOException;

  /** Whether {@link #open} was called. */
  boolean isOpen();

  /** Adds a row to the current chunk: one field per column, {@code row} first. */
  void write(String[] fields) throws IOException;

  /**
   * Makes the chunk's rows durable (forced to disk, committed) and returns the position after it.
   */
  String commit() throws IOException;

  @Override
  void close() throws IOException;
}
