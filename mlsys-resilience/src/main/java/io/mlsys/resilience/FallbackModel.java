package io.mlsys.resilience;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.CircuitOpenException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Parameters;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.core.PermissionDeniedException;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.Reservation;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.core.UnauthenticatedException;
import io.mlsys.core.UnsupportedMediaTypeException;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.core.spi.ModelDirectory;
import io.mlsys.core.spi.StaleAnswers;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A model with a fallback chain: when a call is refused for a configured reason, the cache's kept
 * answer, a cheaper model, then a fixed answer, the first that answers. The answer says so in its
 * parameters ({@code degraded}, {@code fallback}, {@code fallback-reason}); when none answers, the
 * refusal itself is thrown, unchanged (its status and retry delay intact).
 */
final class FallbackModel extends ForwardingModel {
  /**
   * Set on calls a fallback makes to a cheaper model: that model's own fallback does not run for
   * them, so fallbacks never chain or loop ({@code a -> b -> a}).
   */
  static final CallAttribute<String> FALLBACK_OF = CallAttribute.of("fallback-of", String.class);

  static final String CACHE = "cache";
  static final String DEFAULT = "default";

  private static final Logger LOG = Logger.getLogger(FallbackModel.class.getName());

  private final FallbackOptions options;
  private final String name;
  private final StaleAnswers stale;
  private final ModelDirectory directory;
  private final DefaultAnswer defaultAnswer;
  private final SheddingMetrics metrics;

  FallbackModel(
      Model delegate,
      FallbackOptions options,
      String name,
      StaleAnswers stale,
      ModelDirectory directory,
      DefaultAnswer defaultAnswer,
      SheddingMetrics metrics) {
    super(delegate);
    this.options = options;
    this.name = name;
    this.stale = stale;
    this.directory = directory;
    this.defaultAnswer = defaultAnswer;
    this.metrics = metrics;
  }

  /**
   * Holds nothing: a call the limits behind it refuse is answered by the fallback chain, so they
   * must not refuse it before its request is read.
   */
  @Override
  public void reserve(Reservation reservation, CallContext context) {}

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    try {
      return super.infer(request, context);
    } catch (MlsysException refusal) {
      FallbackOptions.Trigger trigger = trigger(refusal);
      if (trigger == null
          || !options.on().contains(trigger)
          || context.attribute(FALLBACK_OF).isPresent()
          || context.isExpired()) {
        throw refusal;
      }
      String reason = trigger.name().toLowerCase(Locale.ROOT).replace('_', '-');
      return fallback(request, context, reason).orElseThrow(() -> refusal);
    }
  }

  private Optional<InferResponse> fallback(
      InferRequest request, CallContext context, String reason) {
    if (options.cacheMaxStaleness() != null) {
      Optional<InferResponse> kept = stale.find(name, request, options.cacheMaxStaleness());
      metrics.fallback(name, CACHE, kept.isPresent());
      if (kept.isPresent()) {
        return Optional.of(degraded(kept.get().withId(request.id()), CACHE, reason));
      }
    }
    if (options.model() != null) {
      Optional<InferResponse> cheaper = cheaperModel(request, context);
      metrics.fallback(name, "model", cheaper.isPresent());
      if (cheaper.isPresent()) {
        return Optional.of(degraded(cheaper.get(), options.model(), reason));
      }
    }
    if (!defaultAnswer.isEmpty()) {
      metrics.fallback(name, DEFAULT, true);
      InferResponse fixed =
          new InferResponse(
              name,
              delegate().metadata().version(),
              request.id(),
              defaultAnswer.outputs(request),
              Map.of());
      return Optional.of(degraded(fixed, DEFAULT, reason));
    }
    return Optional.empty();
  }

  private Optional<InferResponse> cheaperModel(InferRequest request, CallContext context) {
    try {
      return Optional.of(
          directory.predictor(options.model()).infer(request, context.with(FALLBACK_OF, name)));
    } catch (MlsysException e) {
      // The next step answers; the cheaper model's own metrics and log tell why it did not.
      LOG.log(
          Level.FINE,
          () -> "fallback of model '" + name + "': model '" + options.model() + "': " + e);
      return Optional.empty();
    }
  }

  private static InferResponse degraded(InferResponse answer, String fallback, String reason) {
    Map<String, Object> parameters =
        Parameters.withAdded(answer.parameters(), Parameters.DEGRADED, true);
    parameters = Parameters.withAdded(parameters, "fallback", fallback);
    parameters = Parameters.withAdded(parameters, "fallback-reason", reason);
    return new InferResponse(
        answer.modelName(), answer.modelVersion(), answer.id(), answer.outputs(), parameters);
  }

  /**
   * The trigger a refusal answers to; null for the caller's own mistakes, which never fall back.
   */
  static FallbackOptions.Trigger trigger(MlsysException refusal) {
    return switch (refusal) {
      case CircuitOpenException e -> FallbackOptions.Trigger.CIRCUIT_OPEN;
      case CapacityExceededException e -> FallbackOptions.Trigger.OVERLOAD;
      case QuotaExceededException e -> FallbackOptions.Trigger.QUOTA;
      case DeadlineExceededException e -> FallbackOptions.Trigger.DEADLINE;
      case ModelExecutionException e -> FallbackOptions.Trigger.FAILURE;
      case UpstreamFailureException e -> FallbackOptions.Trigger.FAILURE;
      case DependencyUnavailableException e -> FallbackOptions.Trigger.FAILURE;
      case ModelNotReadyException e -> FallbackOptions.Trigger.FAILURE;
      case ModelLoadException e -> FallbackOptions.Trigger.FAILURE;
      case InvalidInputException e -> null;
      case PayloadTooLargeException e -> null;
      case UnsupportedMediaTypeException e -> null;
      case ModelNotFoundException e -> null;
      case UnauthenticatedException e -> null;
      case PermissionDeniedException e -> null;
      case ResourceNotFoundException e -> null;
      case ResourceExistsException e -> null;
      case FailedPreconditionException e -> null;
    };
  }
}
