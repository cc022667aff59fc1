package io.mlsys.server;

import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

/**
 * What {@code server.auth} and {@code server.tls} add to the gRPC listener.
 *
 * @param sslContext TLS, null for plain text
 * @param interceptor checks the bearer token of every call ({@link GrpcAuthInterceptor})
 */
record GrpcSecurity(SslContext sslContext, ServerInterceptor interceptor) {}
