package io.mlsys.server;

import inference.GRPCInferenceServiceGrpc;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The standard gRPC health checking service ({@code grpc.health.v1.Health}) for the server ({@code
 * ""}) and for {@code inference.GRPCInferenceService}: SERVING when every configured model is ready
 * (as {@code GET /v2/health/ready}), NOT_SERVING before that and once the server is stopping; any
 * other service name is unknown.
 *
 * <p>Check computes the status when asked. Watch sends it at once and then on each change, as seen
 * by {@link #refresh()}, which the server calls periodically.
 */
final class GrpcHealthService extends HealthGrpc.HealthImplBase {
  /** The service names with a status: the whole server and the inference service. */
  static final Set<String> SERVICES = Set.of("", GRPCInferenceServiceGrpc.SERVICE_NAME);

  private final ServedModels served;
  private final TransportHealth transports;
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;

  /**
   * @param transports NOT_SERVING while any listener is down (the REST port may be dead while this
   *     one answers)
   */
  GrpcHealthService(ServedModels served, TransportHealth transports) {
    this.served = served;
    this.transports = transports;
  }

  @Override
  public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
    if (!SERVICES.contains(request.getService())) {
      observer.onError(
          Status.NOT_FOUND
              .withDescription(
                  "service '"
                      + request.getService()
                      + "' is unknown (expected: '' or '"
                      + GRPCInferenceServiceGrpc.SERVICE_NAME
                      + "')")
              .asRuntimeException());
      return;
    }
    observer.onNext(response(status(request.getService())));
    observer.onCompleted();
  }

  @Override
  public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {
    Watcher watcher = new Watcher(request.getService(), observer);
    if (observer instanceof ServerCallStreamObserver<HealthCheckResponse> call) {
      call.setOnCancelHandler(() -> watchers.remove(watcher));
    }
    watchers.add(watcher);
    watcher.send(status(watcher.service));
    if (stopping) {
      // Arrived while the server shuts down: a graceful shutdown must not wait for this stream.
      watchers.remove(watcher);
      watcher.complete();
    }
  }

  /** Sends the current status to every watcher whose status changed. */
  void refresh() {
    for (Watcher watcher : watchers) {
      watcher.send(status(watcher.service));
    }
  }

  /** From now on every service is NOT_SERVING (the server is draining); watchers are told. */
  void stopping() {
    stopping = true;
    refresh();
  }

  /** Ends every watch (the server is closing). */
  void close() {
    for (Watcher watcher : watchers) {
      watcher.complete();
    }
    watchers.clear();
  }

  ServingStatus status(String service) {
    if (!SERVICES.contains(service)) {
      // Watch answers an unknown service with this status, not an error (health.proto).
      return ServingStatus.SERVICE_UNKNOWN;
    }
    return !stopping && transports.isUp() && served.isReady()
        ? ServingStatus.SERVING
        : ServingStatus.NOT_SERVING;
  }

  private static HealthCheckResponse response(ServingStatus status) {
    return HealthCheckResponse.newBuilder().setStatus(status).build();
  }

  /** One Watch call: its service and the last status sent on it. */
  private static final class Watcher {
    private final String service;
    private final StreamObserver<HealthCheckResponse> observer;
    private ServingStatus last;
    private boolean done;

    Watcher(String service, StreamObserver<HealthCheckResponse> observer) {
      this.service = service;
      this.observer = observer;
    }

    synchronized void send(ServingStatus status) {
      if (done || status == last) {
        return;
      }
      last = status;
      observer.onNext(response(status));
    }

    synchronized void complete() {
      if (!done) {
        done = true;
        observer.onCompleted();
      }
    }
  }
}
