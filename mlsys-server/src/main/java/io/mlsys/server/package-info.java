/**
 * The mlsys HTTP server on the Helidon SE 4 webserver (one virtual thread per request): the Open
 * Inference Protocol REST API (KServe V2) with the model-list, statistics and model-repository
 * extensions, KServe V1 predict, Prometheus metrics and a JSON access log.
 *
 * <p>Entry points: {@link io.mlsys.server.MlsysServer#builder()} (everything injectable: config,
 * repository, clock, meter registry, request ids, ticker) and {@link
 * io.mlsys.server.MlsysServer#fromConfig(io.mlsys.config.MlsysConfig)} (the production wiring with
 * ONNX Runtime models).
 *
 * <p>Every request goes through one pipeline: request id ({@code X-Request-Id} or generated),
 * endpoint, errors mapped to statuses in one exhaustive switch ({@code HttpError}) and answered as
 * {@code {"error": "..."}}, the answer written once with Content-Length, metrics and the access-log
 * line. Deadlines come from the {@code timeout} parameter (microseconds), the {@code
 * Mlsys-Timeout-Ms} header or {@code server.default-timeout}; the predictor runs on the request's
 * own thread, is not started past its deadline, and an answer later than the deadline becomes 504.
 */
package io.mlsys.server;
