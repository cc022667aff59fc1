package io.mlsys.core;

/**
 * The one error hierarchy of mlsys. Every expected failure is one of these subclasses; each
 * transport maps them to a status in exactly one exhaustive switch.
 */
public abstract sealed class MlsysException extends RuntimeException
    permits InvalidInputException,
        PayloadTooLargeException,
        UnsupportedMediaTypeException,
        ModelNotFoundException,
        ModelNotReadyException,
        ModelLoadException,
        CapacityExceededException,
        QuotaExceededException,
        DeadlineExceededException,
        CircuitOpenException,
        UpstreamFailureException,
        DependencyUnavailableException,
        ModelExecutionException,
        UnauthenticatedException,
        PermissionDeniedException,
        ResourceNotFoundException,
        ResourceExistsException,
        FailedPreconditionException {

  protected MlsysException(String message) {
    super(message);
  }

  protected MlsysException(String message, Throwable cause) {
    super(message, cause);
  }
}
