package io.mlsys.resilience;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.QuotaExceededException;
import io.mlsys.core.Reservation;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model behind token buckets. The caller's bucket is asked first, so a caller over its own quota
 * is told so (429) and does not spend the model's tokens; then the model's (503).
 */
final class RateLimitedModel extends ForwardingModel {
  /**
   * Caller buckets kept at most; identities come from the configured tokens, so this is a guard,
   * not a working limit. Callers beyond it share one bucket.
   */
  static final int MAX_CALLERS = 10_000;

  private final RateLimitOptions options;
  private final String name;
  private final Clock clock;
  private final SheddingMetrics metrics;
  private final TokenBucket model;
  private final Map<String, TokenBucket> callers = new ConcurrentHashMap<>();

  RateLimitedModel(
      Model delegate, RateLimitOptions options, String name, Clock clock, SheddingMetrics metrics) {
    super(delegate);
    this.options = options;
    this.name = name;
    this.clock = clock;
    this.metrics = metrics;
    long now = LatencyEstimate.nanosOf(clock);
    this.model =
        options.requestsPerSecond() > 0
            ? new TokenBucket(options.requestsPerSecond(), options.bucketSize(), now)
            : null;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    if (!Reservation.consume(context, this)) {
      take(context);
    }
    return super.infer(request, context);
  }

  /**
   * Spends the call's tokens before its request is read, so a call over a rate is refused before
   * its body costs anything; {@link #infer} then does not spend them again.
   */
  @Override
  public void reserve(Reservation reservation, CallContext context) {
    take(context);
    reservation.hold(this, () -> {});
    super.reserve(reservation, context);
  }

  private void take(CallContext context) {
    long now = LatencyEstimate.nanosOf(clock);
    String caller = context.attribute(CallAttribute.CALLER).orElse(RateLimitOptions.ANONYMOUS);
    RateLimitOptions.Rate rate = options.rateOf(caller);
    if (rate != null) {
      long wait = callerBucket(caller, rate, now).tryTake(now);
      if (wait > 0) {
        metrics.shed(name, "caller-rate");
        throw new QuotaExceededException(
            "caller '"
                + caller
                + "' of model '"
                + name
                + "': "
                + rate.requestsPerSecond()
                + " requests per second",
            Duration.ofNanos(wait));
      }
    }
    if (model != null) {
      long wait = model.tryTake(now);
      if (wait > 0) {
        metrics.shed(name, "rate");
        throw new CapacityExceededException(
            "model '" + name + "' (" + options.requestsPerSecond() + " requests per second)",
            Duration.ofNanos(wait));
      }
    }
  }

  private TokenBucket callerBucket(String caller, RateLimitOptions.Rate rate, long now) {
    TokenBucket bucket = callers.get(caller);
    if (bucket != null) {
      return bucket;
    }
    String key = callers.size() >= MAX_CALLERS ? "" : caller;
    return callers.computeIfAbsent(
        key, ignored -> new TokenBucket(rate.requestsPerSecond(), rate.bucketSize(), now));
  }

  /** Passes the context on without reading the graph path. */
  @Override
  public boolean readsGraphPath() {
    return delegate().readsGraphPath();
  }
}
