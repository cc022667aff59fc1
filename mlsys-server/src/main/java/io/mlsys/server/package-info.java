/**
 * The mlsys server: the Open Inference Protocol REST API (KServe V2) on the Helidon SE 4 webserver
 * (one virtual thread per request) with the model-list, statistics, model-repository and binary
 * tensor data extensions, KServe V1 predict, the runtime parameters of inference graphs, Prometheus
 * metrics and a JSON access log; and the Open Inference Protocol gRPC service on grpc-java's Netty
 * server on its own port, with health checking (and reflection when configured).
 *
 * <p>Entry points: {@link io.mlsys.server.MlsysServer#builder()} (everything injectable: config,
 * repository, graphs, clock, meter registry, request ids, ticker) and {@link
 * io.mlsys.server.MlsysServer#fromConfig(io.mlsys.server.config.MlsysConfig)} / {@link
 * io.mlsys.server.MlsysServer#fromConfigFile} (the production wiring with ONNX Runtime models, each
 * model behind the decorators its config names, such as dynamic batching, and graphs reloaded when
 * the file changes).
 *
 * <p>Both transports look names up in one place ({@code ServedModels}: the graphs of the current
 * generation, then the repository) and map errors to statuses in one exhaustive switch each ({@code
 * HttpError}, {@code GrpcStatus}). Every HTTP request goes through one pipeline: request id ({@code
 * X-Request-Id} or generated), endpoint, errors answered as {@code {"error": "..."}}, the answer
 * written once with Content-Length, metrics and the access-log line. Deadlines come from the {@code
 * timeout} parameter (microseconds), the {@value io.mlsys.core.MlsysHeaders#TIMEOUT} header (or the
 * gRPC deadline) or {@code server.default-timeout}; the predictor runs on the request's own thread,
 * is not started past its deadline, and an answer later than the deadline becomes 504.
 */
package io.mlsys.server;
