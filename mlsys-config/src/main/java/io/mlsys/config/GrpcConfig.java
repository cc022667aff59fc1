package io.mlsys.config;

/** Limits of the gRPC listener ({@code server.grpc:} in mlsys.yaml). */
public record GrpcConfig() {

  /** Every default. */
  public static GrpcConfig defaults() {
    return new GrpcConfig();
  }
}
