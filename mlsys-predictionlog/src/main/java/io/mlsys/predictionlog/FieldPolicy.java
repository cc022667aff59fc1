package io.mlsys.predictionlog;

/** What an event keeps of a request's inputs or a response's outputs. */
public enum FieldPolicy {
  /** Every tensor as OIP JSON (named tensors listed under {@code redact} excepted). */
  FULL,
  /**
   * Like {@link #FULL} for a counted fraction of the events ({@code payload-sample-rate}); the
   * others keep none ({@code null}).
   */
  SAMPLED,
  /**
   * Each tensor's name, datatype and shape with the SHA-256 of its OIP JSON instead of its data:
   * two events with the same input can be matched without keeping the input.
   */
  HASHED,
  /** Nothing ({@code null}). */
  DROPPED
}
