package io.mlsys.server;

import inference.GRPCInferenceServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import io.mlsys.core.MlsysException;
import java.net.SocketAddress;
import java.util.Map;

/**
 * The gRPC side of {@code server.auth}: the same bearer token as over REST, sent as the {@code
 * authorization} call metadata ({@code Bearer <token>}). Each method of {@code
 * inference.GRPCInferenceService} has the {@link Access} of its REST twin; health checks are open;
 * anything else (server reflection, methods added later) needs {@code read} when metadata is
 * protected, or {@code manage} when it is not a known reading method, so a new method is closed
 * until declared here. The caller a token names is the call's {@link #caller()}.
 */
final class GrpcAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final String REFLECTION_SERVICE = "grpc.reflection.";

  private static final Context.Key<Identity> CALLER = Context.key("mlsys-caller");

  /** Every method of the inference service, with what it needs. */
  static final Map<String, Access> METHODS =
      Map.ofEntries(
          entry(GRPCInferenceServiceGrpc.getServerLiveMethod(), Access.OPEN),
          entry(GRPCInferenceServiceGrpc.getServerReadyMethod(), Access.OPEN),
          entry(GRPCInferenceServiceGrpc.getModelReadyMethod(), Access.OPEN),
          entry(GRPCInferenceServiceGrpc.getServerMetadataMethod(), Access.READ),
          entry(GRPCInferenceServiceGrpc.getModelMetadataMethod(), Access.READ),
          entry(GRPCInferenceServiceGrpc.getModelInferMethod(), Access.INFER),
          entry(GRPCInferenceServiceGrpc.getRepositoryIndexMethod(), Access.MANAGE),
          entry(GRPCInferenceServiceGrpc.getRepositoryModelLoadMethod(), Access.MANAGE),
          entry(GRPCInferenceServiceGrpc.getRepositoryModelUnloadMethod(), Access.MANAGE),
          entry(HealthGrpc.getCheckMethod(), Access.OPEN),
          entry(HealthGrpc.getWatchMethod(), Access.OPEN));

  private final Authenticator authenticator;

  GrpcAuthInterceptor(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  private static Map.Entry<String, Access> entry(MethodDescriptor<?, ?> method, Access access) {
    return Map.entry(method.getFullMethodName(), access);
  }

  /** Who makes the call being served on this thread; null when its token names nobody known. */
  static Identity caller() {
    return CALLER.get();
  }

  static Access accessOf(String fullMethodName) {
    Access access = METHODS.get(fullMethodName);
    if (access != null) {
      return access;
    }
    return fullMethodName.startsWith(REFLECTION_SERVICE) ? Access.READ : Access.MANAGE;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
    Access access = accessOf(call.getMethodDescriptor().getFullMethodName());
    String authorization = headers.get(AUTHORIZATION);
    if (access == Access.OPEN && authorization == null) {
      return next.startCall(call, headers);
    }
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    boolean secure = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION) != null;
    Identity caller;
    try {
      caller = authenticator.check(access, authorization, remote, secure);
    } catch (MlsysException e) {
      GrpcStatus status = GrpcStatus.of(e);
      call.close(Status.fromCode(status.code()).withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (caller == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
  }
}
