package io.mlsys.core;

/** The request body has a content type the endpoint does not read. */
public final class UnsupportedMediaTypeException extends MlsysException {
  private final String contentType;

  public UnsupportedMediaTypeException(String contentType, String expected) {
    super("content-type: '" + contentType + "' (expected: " + expected + ")");
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }
}
