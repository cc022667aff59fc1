package io.mlsys.core;

import java.util.Objects;

/** The request is malformed or does not fit the model: the message names the field. */
public final class InvalidInputException extends MlsysException {
  private final String field;

  /**
   * @param field path of the offending field, e.g. {@code inputs[0].datatype}
   * @param problem what is wrong and what was expected, e.g. {@code 'FP99' (expected: ...)}
   */
  public InvalidInputException(String field, String problem) {
    super(field + ": " + problem);
    this.field = Objects.requireNonNull(field, "field");
  }

  public String field() {
    return field;
  }
}
