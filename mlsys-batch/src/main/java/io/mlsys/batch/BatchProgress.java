package io.mlsys.batch;

/** Told after every chunk how far a run is. */
@FunctionalInterface
public interface BatchProgress {
  /** Tells nobody. */
  BatchProgress NONE = (rowsDone, predicted, rejected, fraction) -> {};

  /**
   * @param rowsDone input rows handled so far (earlier runs included)
   * @param predicted rows written to the output
   * @param rejected rows written to the reject file
   * @param fraction how much of the input was read, 0 to 1 (by bytes)
   */
  void chunkDone(long rowsDone, long predicted, long rejected, double fraction);
}
