package io.mlsys.experiments;

/** What the experiments write off the request path, through one bounded buffer. */
sealed interface ExperimentRecord {
  /** The record's schema version in the store. */
  int SCHEMA_VERSION = 2;

  String experiment();

  /**
   * One assignment of a split: which arm a call (and its unit, when it had one) got, and how the
   * arm served it (the guardrails read these).
   *
   * @param latencyMicros how long the arm took
   * @param error null when the arm answered
   * @param value the compared output as a JSON array when the split measures accuracy; else null
   */
  record Exposure(
      String experiment,
      String arm,
      String unit,
      String requestId,
      long timeMicros,
      long latencyMicros,
      String error,
      String value)
      implements ExperimentRecord {}

  /**
   * One mirrored call and candidate.
   *
   * @param primaryValue the primary's compared output as a JSON array; null when it failed
   * @param candidateValue the candidate's, likewise
   * @param primaryError null when the primary answered
   * @param candidateError null when the candidate answered in time
   */
  record Pair(
      String experiment,
      String candidate,
      String requestId,
      long timeMicros,
      String primaryValue,
      String candidateValue,
      long primaryLatencyMicros,
      long candidateLatencyMicros,
      String primaryError,
      String candidateError)
      implements ExperimentRecord {}
}
