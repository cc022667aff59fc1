package io.mlsys.server;

import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferResponse;
import inference.GrpcPredictV2.ModelMetadataRequest;
import inference.GrpcPredictV2.ModelMetadataResponse;
import inference.GrpcPredictV2.ModelMetadataResponse.TensorMetadata;
import inference.GrpcPredictV2.ModelReadyRequest;
import inference.GrpcPredictV2.ModelReadyResponse;
import inference.GrpcPredictV2.ModelRepositoryParameter;
import inference.GrpcPredictV2.RepositoryIndexRequest;
import inference.GrpcPredictV2.RepositoryIndexResponse;
import inference.GrpcPredictV2.RepositoryModelLoadRequest;
import inference.GrpcPredictV2.RepositoryModelLoadResponse;
import inference.GrpcPredictV2.RepositoryModelUnloadRequest;
import inference.GrpcPredictV2.RepositoryModelUnloadResponse;
import inference.GrpcPredictV2.ServerLiveRequest;
import inference.GrpcPredictV2.ServerLiveResponse;
import inference.GrpcPredictV2.ServerMetadataRequest;
import inference.GrpcPredictV2.ServerMetadataResponse;
import inference.GrpcPredictV2.ServerReadyRequest;
import inference.GrpcPredictV2.ServerReadyResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.mlsys.core.CallContext;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.MlsysHeaders;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.core.Reservation;
import io.mlsys.core.TensorSpec;
import io.mlsys.protocol.GrpcTensors;
import io.mlsys.repository.ModelState;
import io.mlsys.repository.ModelStatus;
import io.mlsys.resilience.AdmissionControl;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code inference.GRPCInferenceService}: the Open Inference Protocol over gRPC, with the model
 * repository extension (Triton's RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload).
 *
 * <p>It serves what REST serves, the same way: models come from {@link ServedModels}; an inference
 * call's deadline is the earliest of the gRPC deadline, the {@code timeout} parameter
 * (microseconds), the {@value MlsysHeaders#TIMEOUT} metadata and the server's default timeout;
 * inference is admitted under {@code server.limits} as over REST; errors become statuses in {@link
 * GrpcStatus} with the same messages as over REST; each ModelInfer is metered per model with {@code
 * protocol="grpc"} and counted in the model's statistics.
 *
 * <p>Each call runs on its own thread from {@code calls} (virtual threads), handed over once from
 * the transport's event loop together with its gRPC context (deadline, request id), so a slow model
 * or a model load never blocks the transport.
 */
final class GrpcInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
  // Server faults repeat once per request while a model or an upstream is failing: a few per
  // window are logged with their trace, the rest counted.
  private static final RateLimitedLogger LOG =
      RateLimitedLogger.of(GrpcInferenceService.class.getName());

  /** Extensions named in ServerMetadata: the ones this service implements. */
  static final List<String> EXTENSIONS = List.of("model_repository");

  private final Executor calls;
  private final ServedModels served;
  private final Deadlines deadlines;
  private final RequestLimits limits;
  private final ServerMetrics metrics;
  private final LongSupplier ticker;
  private final ServerMetadataResponse serverMetadata;

  GrpcInferenceService(
      Executor calls,
      ServedModels served,
      Deadlines deadlines,
      RequestLimits limits,
      ServerMetrics metrics,
      LongSupplier ticker,
      String serverVersion) {
    this.calls = Context.currentContextExecutor(calls);
    this.served = served;
    this.deadlines = deadlines;
    this.limits = limits;
    this.metrics = metrics;
    this.ticker = ticker;
    this.serverMetadata =
        ServerMetadataResponse.newBuilder()
            .setName(ManagementEndpoints.SERVER_NAME)
            .setVersion(serverVersion)
            .addAllExtensions(EXTENSIONS)
            .build();
  }

  @Override
  public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> observer) {
    answer(observer, () -> ServerLiveResponse.newBuilder().setLive(true).build());
  }

  @Override
  public void serverReady(
      ServerReadyRequest request, StreamObserver<ServerReadyResponse> observer) {
    answer(observer, () -> ServerReadyResponse.newBuilder().setReady(served.isReady()).build());
  }

  /** Ready or not for a known model (version); NOT_FOUND for an unknown one, as REST's 404. */
  @Override
  public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> observer) {
    answer(
        observer,
        () -> {
          String model = requireModel(request.getName(), "name");
          String version = emptyToNull(request.getVersion());
          GrpcCallInterceptor.current().about(model, version);
          requireKnown(model, version);
          return ModelReadyResponse.newBuilder()
              .setReady(served.isModelReady(model, version))
              .build();
        });
  }

  @Override
  public void serverMetadata(
      ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> observer) {
    answer(observer, () -> serverMetadata);
  }

  @Override
  public void modelMetadata(
      ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> observer) {
    answer(
        observer,
        () -> {
          String model = requireModel(request.getName(), "name");
          GrpcCallInterceptor.current().about(model, emptyToNull(request.getVersion()));
          ModelMetadata metadata = served.metadata(model, emptyToNull(request.getVersion()));
          ModelMetadataResponse.Builder response =
              ModelMetadataResponse.newBuilder()
                  .setName(metadata.name())
                  .addAllVersions(served.versions(model))
                  .setPlatform(metadata.platform());
          for (TensorSpec input : metadata.inputs()) {
            response.addInputs(tensorMetadata(input));
          }
          for (TensorSpec output : metadata.outputs()) {
            response.addOutputs(tensorMetadata(output));
          }
          return response.build();
        });
  }

  private static TensorMetadata tensorMetadata(TensorSpec spec) {
    return TensorMetadata.newBuilder()
        .setName(spec.name())
        .setDatatype(spec.datatype().wireName())
        .addAllShape(spec.shape())
        .build();
  }

  @Override
  public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    calls.execute(() -> infer(request, observer));
  }

  private void infer(ModelInferRequest request, StreamObserver<ModelInferResponse> observer) {
    if (isCancelled()) {
      return;
    }
    long start = ticker.getAsLong();
    metrics.requestStarted();
    GrpcCallInterceptor.Call call = GrpcCallInterceptor.current();
    String model = null;
    String version = emptyToNull(request.getModelVersion());
    Reservation reservation = Reservation.create();
    try {
      String name = requireModel(request.getModelName(), "model_name");
      call.about(name, version);
      Predictor predictor = served.predictor(name, version);
      model = name;
      // The model's limits, before the message's tensors are converted (the message itself is
      // parsed by now: gRPC names the model inside it).
      CallContext early =
          deadlines.context(
              Map.of(),
              call.timeoutHeader(),
              call.headerMap(),
              call.requestId(),
              GrpcAuthInterceptor.caller(),
              call.span());
      Instant arrival = early.clock().instant();
      limits.checkEarly();
      predictor.reserve(reservation, early);
      InferRequest inferRequest = GrpcTensors.readRequest(request);
      // Only a timeout parameter in the message can change the early context's deadline.
      CallContext context =
          withGrpcDeadline(
                  inferRequest.parameters().containsKey(Deadlines.TIMEOUT_PARAMETER)
                      ? deadlines.context(
                          inferRequest.parameters(),
                          call.timeoutHeader(),
                          call.headerMap(),
                          call.requestId(),
                          GrpcAuthInterceptor.caller(),
                          call.span())
                      : early)
              .with(Reservation.ATTRIBUTE, reservation)
              .with(Reservation.ARRIVAL, arrival);
      if (isCancelled()) {
        return;
      }
      ModelInferResponse reply;
      AdmissionControl.Permit permit =
          limits.admit(
              inferRequest, served.metadata(name, version), request.getSerializedSize(), context);
      try {
        InferResponse response =
            InferenceEndpoints.conform(
                inferRequest, InferenceEndpoints.invoke(name, predictor, inferRequest, context));
        if (version == null) {
          version = response.modelVersion();
          call.about(name, version);
        }
        reply = GrpcTensors.writeResponse(response, request.getRawInputContentsCount() > 0);
      } finally {
        permit.close();
      }
      record(model, version, Status.Code.OK, null, start);
      observer.onNext(reply);
      observer.onCompleted();
    } catch (MlsysException e) {
      GrpcStatus status = GrpcStatus.of(e);
      record(model, version, status.code(), status.kind(), start);
      logIfServerFault(status, e, call.requestId());
      observer.onError(status.toException(e.getMessage()));
    } catch (RuntimeException e) {
      DependencyUnavailableException store = StoreUnavailable.of(e);
      GrpcStatus status = store != null ? GrpcStatus.of(store) : GrpcStatus.INTERNAL;
      record(model, version, status.code(), status.kind(), start);
      observer.onError(
          store != null
              ? status.toException(store.getMessage())
              : internalError(e, call.requestId()));
    } finally {
      reservation.close();
      metrics.requestFinished();
    }
  }

  /**
   * Whether the client already reset the stream (or its deadline passed): then no work is started
   * for it, and nothing is answered (nobody is listening). A rapid-reset flood otherwise runs the
   * model for every stream it cancels.
   */
  private static boolean isCancelled() {
    return Context.current().isCancelled();
  }

  /** The context's deadline moved up to the gRPC deadline, when the client set an earlier one. */
  private static CallContext withGrpcDeadline(CallContext context) {
    Deadline deadline = Context.current().getDeadline();
    if (deadline == null) {
      return context;
    }
    long nanos = Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS));
    return context.withTimeout(Duration.ofNanos(nanos));
  }

  private void record(
      String model, String version, Status.Code code, String errorKind, long start) {
    long nanos = ticker.getAsLong() - start;
    String modelTag = model;
    String versionTag = version;
    if (modelTag == null) {
      modelTag = ServerMetrics.UNKNOWN;
      versionTag = ServerMetrics.UNKNOWN;
    } else if (versionTag == null) {
      // Named no version and failed before one answered: count it against the default version.
      versionTag = defaultVersion(modelTag);
    }
    metrics.recordGrpcInference(modelTag, versionTag, code, errorKind, nanos);
  }

  private String defaultVersion(String model) {
    try {
      List<String> versions = served.versions(model);
      return versions.isEmpty() ? ServerMetrics.UNKNOWN : versions.getFirst();
    } catch (MlsysException e) {
      return ServerMetrics.UNKNOWN;
    }
  }

  @Override
  public void repositoryIndex(
      RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> observer) {
    answer(
        observer,
        () -> {
          // mlsys serves one repository, so repository_name selects nothing.
          RepositoryIndexResponse.Builder response = RepositoryIndexResponse.newBuilder();
          for (ModelStatus status : served.index()) {
            if (!request.getReady() || status.state() == ModelState.READY) {
              response.addModels(
                  RepositoryIndexResponse.ModelIndex.newBuilder()
                      .setName(status.name())
                      .setVersion(status.version())
                      .setState(status.state().name())
                      .setReason(status.reason()));
            }
          }
          return response.build();
        });
  }

  @Override
  public void repositoryModelLoad(
      RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> observer) {
    answer(
        observer,
        () -> {
          String model = requireModel(request.getModelName(), "model_name");
          GrpcCallInterceptor.current().about(model, null);
          rejectParameters(request.getParametersMap());
          served.load(model);
          return RepositoryModelLoadResponse.getDefaultInstance();
        });
  }

  @Override
  public void repositoryModelUnload(
      RepositoryModelUnloadRequest request,
      StreamObserver<RepositoryModelUnloadResponse> observer) {
    answer(
        observer,
        () -> {
          String model = requireModel(request.getModelName(), "model_name");
          GrpcCallInterceptor.current().about(model, null);
          rejectParameters(request.getParametersMap());
          served.unload(model);
          return RepositoryModelUnloadResponse.getDefaultInstance();
        });
  }

  /** Triton's load and unload parameters (config overrides, files, dependents) are not served. */
  private static void rejectParameters(Map<String, ModelRepositoryParameter> parameters) {
    if (!parameters.isEmpty()) {
      throw new InvalidInputException(
          "parameters." + parameters.keySet().iterator().next(),
          "not supported (expected: no parameters)");
    }
  }

  /** Answers a unary call on its own thread: the value, or the error as its status. */
  private <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
    calls.execute(() -> answerNow(observer, call));
  }

  private static <T> void answerNow(StreamObserver<T> observer, Supplier<T> call) {
    T response;
    try {
      response = call.get();
    } catch (MlsysException e) {
      GrpcStatus status = GrpcStatus.of(e);
      logIfServerFault(status, e, GrpcCallInterceptor.current().requestId());
      observer.onError(status.toException(e.getMessage()));
      return;
    } catch (RuntimeException e) {
      DependencyUnavailableException store = StoreUnavailable.of(e);
      observer.onError(
          store != null
              ? GrpcStatus.of(store).toException(store.getMessage())
              : internalError(e, GrpcCallInterceptor.current().requestId()));
      return;
    }
    observer.onNext(response);
    observer.onCompleted();
  }

  private static void logIfServerFault(GrpcStatus status, MlsysException e, String requestId) {
    if (status.isServerFault()) {
      LOG.log(Level.WARNING, "request " + requestId + ": " + e.getMessage(), e);
    }
  }

  /** A bug: logged in full, answered INTERNAL with the request id to find it in the log. */
  private static RuntimeException internalError(RuntimeException e, String requestId) {
    LOG.log(Level.ERROR, "request " + requestId + " failed", e);
    return GrpcStatus.INTERNAL.toException(
        "internal server error (see the server log for request id " + requestId + ")");
  }

  private static String requireModel(String name, String field) {
    if (name.isEmpty()) {
      throw new InvalidInputException(field, "missing (expected: the name of a served model)");
    }
    return name;
  }

  /** Throws NOT_FOUND unless the repository knows the model (and version, if given). */
  private void requireKnown(String model, String version) {
    boolean knownModel = false;
    for (ModelStatus status : served.index()) {
      if (status.name().equals(model)) {
        knownModel = true;
        if (version == null || version.equals(status.version())) {
          return;
        }
      }
    }
    throw new ModelNotFoundException(model, knownModel ? version : null);
  }

  private static String emptyToNull(String value) {
    return value.isEmpty() ? null : value;
  }
}
