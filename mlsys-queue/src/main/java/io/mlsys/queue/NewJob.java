package io.mlsys.queue;

import java.util.Objects;

/**
 * A submission: what a client asked to run later.
 *
 * @param model the model (or graph) to run
 * @param modelVersion the version, or null for the default
 * @param request the OIP JSON infer request, already checked to be one
 * @param caller the submitting user (scopes idempotency keys), or null when anonymous
 * @param callbackUrl where to post the final JSON, or null (checked by {@link JobCallbacks})
 * @param idempotencyKey the client's {@code Idempotency-Key}, or null
 */
public record NewJob(
    String model,
    String modelVersion,
    byte[] request,
    String caller,
    String callbackUrl,
    String idempotencyKey) {

  public NewJob {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(request, "request");
  }
}
