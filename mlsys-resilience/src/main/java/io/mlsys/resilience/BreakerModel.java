package io.mlsys.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
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
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.core.PermissionDeniedException;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.core.UnauthenticatedException;
import io.mlsys.core.UnsupportedMediaTypeException;
import io.mlsys.core.UpstreamFailureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A model behind a Resilience4j circuit breaker. Only the state machine and its sliding windows
 * come from Resilience4j: this class asks for permission, measures the call on the injected clock
 * and reports the outcome, so tests open and close the breaker by moving a manual clock. The open
 * state ends on the next call after {@code open-for} (no scheduler thread).
 */
final class BreakerModel extends ForwardingModel {
  /** Retry delay told while half-open probes are all taken. */
  static final Duration PROBES_BUSY_RETRY = Duration.ofSeconds(1);

  private final String name;
  private final Clock clock;
  private final Duration openFor;
  private final CircuitBreaker breaker;
  private volatile Instant openUntil = Instant.MIN;

  BreakerModel(
      Model delegate,
      CircuitBreakerOptions options,
      String name,
      Clock clock,
      SheddingMetrics metrics) {
    super(delegate);
    this.name = name;
    this.clock = clock;
    this.openFor = options.openFor();
    boolean byCalls = options.windowCalls() > 0;
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(
                byCalls ? SlidingWindowType.COUNT_BASED : SlidingWindowType.TIME_BASED)
            .slidingWindowSize(byCalls ? options.windowCalls() : (int) options.window().toSeconds())
            .minimumNumberOfCalls(options.minimumCalls())
            .failureRateThreshold((float) (options.failureRatio() * 100))
            .slowCallRateThreshold((float) (options.slowCallRatio() * 100))
            .slowCallDurationThreshold(options.slowCallThreshold())
            .waitDurationInOpenState(options.openFor())
            .permittedNumberOfCallsInHalfOpenState(options.halfOpenProbes())
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .recordException(BreakerModel::isFailure)
            .ignoreException(error -> !isFailure(error))
            .clock(clock)
            .currentTimestampFunction(LatencyEstimate::nanosOf, TimeUnit.NANOSECONDS)
            .build();
    this.breaker = CircuitBreaker.of(name, config);
    metrics.circuitState(name, 0);
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              CircuitBreaker.State to = event.getStateTransition().getToState();
              if (to == CircuitBreaker.State.OPEN) {
                openUntil = clock.instant().plus(openFor);
              }
              metrics.circuitState(name, stateCode(to));
              metrics.circuitTransition(name, stateName(to));
            });
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    if (!breaker.tryAcquirePermission()) {
      throw new CircuitOpenException(name, retryAfter());
    }
    long start = LatencyEstimate.nanosOf(clock);
    InferResponse response;
    try {
      response = super.infer(request, context);
    } catch (RuntimeException | Error e) {
      breaker.onError(LatencyEstimate.nanosOf(clock) - start, TimeUnit.NANOSECONDS, e);
      throw e;
    }
    breaker.onSuccess(LatencyEstimate.nanosOf(clock) - start, TimeUnit.NANOSECONDS);
    return response;
  }

  private Duration retryAfter() {
    if (breaker.getState() == CircuitBreaker.State.HALF_OPEN) {
      return PROBES_BUSY_RETRY;
    }
    Duration left = Duration.between(clock.instant(), openUntil);
    return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
  }

  /** The breaker's state, for tests and the example. */
  CircuitBreaker.State state() {
    return breaker.getState();
  }

  /**
   * Whether an error counts against the model: its own failures do; the caller's mistakes and a
   * limit's refusals (already fast and already counted) do not. Any error outside the hierarchy is
   * the model's.
   */
  static boolean isFailure(Throwable error) {
    if (!(error instanceof MlsysException known)) {
      return true;
    }
    return switch (known) {
      case ModelExecutionException e -> true;
      case UpstreamFailureException e -> true;
      case DependencyUnavailableException e -> true;
      case DeadlineExceededException e -> true;
      case ModelNotReadyException e -> true;
      case ModelLoadException e -> true;
      case CircuitOpenException e -> true;
      case CapacityExceededException e -> false;
      case QuotaExceededException e -> false;
      case InvalidInputException e -> false;
      case PayloadTooLargeException e -> false;
      case UnsupportedMediaTypeException e -> false;
      case ModelNotFoundException e -> false;
      case UnauthenticatedException e -> false;
      case PermissionDeniedException e -> false;
      case ResourceNotFoundException e -> false;
      case ResourceExistsException e -> false;
      case FailedPreconditionException e -> false;
    };
  }

  private static int stateCode(CircuitBreaker.State state) {
    return switch (state) {
      case OPEN, FORCED_OPEN -> 1;
      case HALF_OPEN -> 2;
      default -> 0;
    };
  }

  private static String stateName(CircuitBreaker.State state) {
    return state.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String toString() {
    return "BreakerModel[" + name + ", " + breaker.getState() + "]";
  }

  /** Passes the context on without reading the graph path. */
  @Override
  public boolean readsGraphPath() {
    return delegate().readsGraphPath();
  }
}
