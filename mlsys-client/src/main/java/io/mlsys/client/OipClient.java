package io.mlsys.client;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import java.net.URI;

/**
 * A client of one Open Inference Protocol server (mlsys, KServe, Triton) over HTTP/1.1 JSON.
 * Thread-safe; one {@link java.net.http.HttpClient} (its connection pool) per instance, so share
 * one instance per server.
 *
 * <p>Every call honours the {@link CallContext}: with a deadline, the time left is sent as the
 * {@value io.mlsys.core.MlsysHeaders#TIMEOUT} header (milliseconds, rounded up) and bounds the wait
 * for the answer, and a call with no time left fails with {@link
 * io.mlsys.core.DeadlineExceededException} without sending anything. The trace id is sent as
 * {@value #REQUEST_ID_HEADER}.
 *
 * <p>{@link #infer} and {@link #metadata} are retried (inference is idempotent) up to {@link
 * OipClientOptions#maxAttempts()} in total, after a connection failure or a 502, 503 or 504 answer,
 * pausing {@link OipClientOptions#retryBackoff()} in between, but never when the deadline would
 * pass during the pause. Failures are thrown as the core exceptions, naming the remote URL:
 *
 * <ul>
 *   <li>400, 413, 422: {@link io.mlsys.core.InvalidInputException} with the field {@code remote
 *       <url>} and the remote message (the caller's input is wrong);
 *   <li>429: {@link io.mlsys.core.CapacityExceededException} with the remote {@code Retry-After};
 *   <li>504 (after retries) or no answer before the deadline: {@link
 *       io.mlsys.core.DeadlineExceededException};
 *   <li>any other status (404 included: a missing remote model is the upstream's problem), no
 *       connection after retries, or an answer that is not valid OIP JSON: {@link
 *       io.mlsys.core.UpstreamFailureException}.
 * </ul>
 *
 * No {@link java.io.IOException} escapes.
 */
public interface OipClient extends AutoCloseable {

  /** Header that carries the caller's trace id. */
  String REQUEST_ID_HEADER = "X-Request-Id";

  /**
   * A client of the server at {@code baseUrl}.
   *
   * @param baseUrl {@code http} or {@code https} URL of the server, like {@code http://host:8080};
   *     a path prefix (a server behind a proxy) is kept
   * @throws IllegalArgumentException when the URL is not an absolute http(s) URL without query
   */
  static OipClient create(URI baseUrl, OipClientOptions options) {
    return new HttpOipClient(baseUrl, options);
  }

  /** The server's URL, as given to {@link #create}. */
  URI baseUrl();

  /**
   * {@code POST /v2/models/{model}[/versions/{version}]/infer}.
   *
   * @param version the version to ask for; null for the server's default
   * @return the remote answer, with the model name and version the remote gave
   */
  InferResponse infer(String model, String version, InferRequest request, CallContext context);

  /**
   * {@code GET /v2/models/{model}[/versions/{version}]}. The version of the result is the one asked
   * for, or else the only version the remote lists, or else null.
   */
  ModelMetadata metadata(String model, String version, CallContext context);

  /**
   * {@code GET /v2/health/live}, one attempt: true on a 2xx answer, false on any other answer or
   * when the server cannot be reached.
   *
   * @throws io.mlsys.core.DeadlineExceededException when no answer came before the deadline
   */
  boolean isServerLive(CallContext context);

  /** {@code GET /v2/health/ready}, answered as {@link #isServerLive}. */
  boolean isServerReady(CallContext context);

  /**
   * {@code GET /v2/models/{model}[/versions/{version}]/ready}, answered as {@link #isServerLive}
   * (so an unknown model is not ready).
   */
  boolean isModelReady(String model, String version, CallContext context);

  /**
   * Closes the connections once in-flight calls finish; later calls throw {@link
   * IllegalStateException}. Idempotent.
   */
  @Override
  void close();
}
