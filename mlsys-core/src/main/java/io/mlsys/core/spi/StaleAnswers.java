package io.mlsys.core.spi;

import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Answers that prediction caches keep past their freshness, which a fallback may serve when the
 * model cannot answer (breaker open, limit reached). One per server, a {@link SharedResources}
 * entry: a cache decorator {@linkplain #register registers} the lookup of the model version it
 * wraps, and a fallback asks {@link #find} by model name. The two never see each other's types.
 *
 * <p>Thread-safe. A version swap registers the new version's lookup over the old one; closing the
 * old version {@linkplain #unregister unregisters} only its own lookup, so a swap never leaves the
 * model without one.
 */
public final class StaleAnswers {

  /** One model version's kept answers. */
  @FunctionalInterface
  public interface Lookup {
    /**
     * The kept answer to this request, if there is one that expired no longer than {@code
     * maxStaleness} ago (a fresh one counts too).
     */
    Optional<InferResponse> find(InferRequest request, Duration maxStaleness);
  }

  private final ConcurrentMap<String, Lookup> byModel = new ConcurrentHashMap<>();

  /** Makes {@code lookup} the one {@link #find} asks for {@code modelName}. */
  public void register(String modelName, Lookup lookup) {
    byModel.put(Objects.requireNonNull(modelName, "modelName"), Objects.requireNonNull(lookup));
  }

  /** Forgets {@code lookup}, if it is still the one registered for {@code modelName}. */
  public void unregister(String modelName, Lookup lookup) {
    byModel.remove(modelName, lookup);
  }

  /** The kept answer of {@code modelName} to this request, within {@code maxStaleness}. */
  public Optional<InferResponse> find(
      String modelName, InferRequest request, Duration maxStaleness) {
    Lookup lookup = byModel.get(modelName);
    return lookup == null ? Optional.empty() : lookup.find(request, maxStaleness);
  }
}
