package io.mlsys.graph;

import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.CircuitOpenException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.core.PermissionDeniedException;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.core.UnauthenticatedException;
import io.mlsys.core.UnsupportedMediaTypeException;
import io.mlsys.core.UpstreamFailureException;

/**
 * Puts a node's path in front of an error raised by what the node called, keeping its type and its
 * structured fields (the core exceptions build their message from their fields, so the path goes
 * into the free-text field of each).
 */
final class NodeErrors {
  private NodeErrors() {}

  /** The same kind of error, naming the node at {@code path}. */
  static MlsysException at(String path, MlsysException error) {
    MlsysException prefixed =
        switch (error) {
          // field() names the node; the cause keeps the field inside what the node called.
          case InvalidInputException e -> new InvalidInputException(path, e.getMessage());
          // The graph exists, so a model that vanished after the graph was built makes it not
          // ready.
          case ModelNotFoundException e ->
              new ModelNotReadyException(e.modelName(), path + ": " + e.getMessage());
          case ModelNotReadyException e ->
              new ModelNotReadyException(e.modelName(), path + ": " + e.getMessage());
          case ModelLoadException e ->
              new ModelLoadException(e.modelName(), path + ": " + e.getMessage(), e);
          case CapacityExceededException e ->
              new CapacityExceededException(path + ": " + e.resource(), e.retryAfter());
          case QuotaExceededException e ->
              new QuotaExceededException(path + ": " + e.quota(), e.retryAfter());
          case DeadlineExceededException e ->
              new DeadlineExceededException(path + ": " + e.where());
          case CircuitOpenException e ->
              new CircuitOpenException(path + ": " + e.circuit(), e.retryAfter().orElse(null));
          case UpstreamFailureException e ->
              new UpstreamFailureException(e.upstream(), path + ": " + e.getMessage(), e);
          case DependencyUnavailableException e ->
              new DependencyUnavailableException(
                  path + ": " + e.dependency(), e.problem(), e.retryAfter(), e);
          case ModelExecutionException e ->
              new ModelExecutionException(e.modelName(), path + ": " + e.getMessage(), e);
          // Transport-level errors do not come from inside a node; nothing to add.
          case PayloadTooLargeException e -> e;
          case UnsupportedMediaTypeException e -> e;
          case UnauthenticatedException e -> e;
          case PermissionDeniedException e -> e;
          // Registry errors come from management calls, not from inside a node.
          case ResourceNotFoundException e -> e;
          case ResourceExistsException e -> e;
          case FailedPreconditionException e -> e;
        };
    if (prefixed != error && prefixed.getCause() == null) {
      prefixed.initCause(error);
    }
    return prefixed;
  }

  /** A bug or an unexpected runtime failure in what the node called: a 500 naming the node. */
  static ModelExecutionException unexpected(String path, String callee, RuntimeException error) {
    return new ModelExecutionException(callee, path + ": " + error, error);
  }
}
