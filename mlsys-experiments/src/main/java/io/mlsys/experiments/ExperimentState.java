package io.mlsys.experiments;

import java.util.Locale;

/**
 * Where an experiment is. A running split assigns units to its arms and a running mirror copies
 * traffic to its candidates; a stopped or concluded split sends every call to its winner (or its
 * first arm, the control) and a stopped or concluded mirror copies nothing. Concluded is final.
 */
public enum ExperimentState {
  RUNNING,
  STOPPED,
  CONCLUDED;

  /** The state as JSON and the store write it: {@code running}, {@code stopped}, ... */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the states when {@code text} is none of them
   */
  public static ExperimentState parse(String text) {
    for (ExperimentState state : values()) {
      if (state.wire().equals(text)) {
        return state;
      }
    }
    throw new IllegalArgumentException(
        (text == null ? "missing" : "'" + text + "'") + " (expected: running, stopped, concluded)");
  }
}
