package io.mlsys.server;

/** Which API an endpoint belongs to; inference endpoints are metered per model. */
enum Protocol {
  /** Open Inference Protocol (KServe V2) inference. */
  V2("v2"),
  /** KServe V1 predict. */
  V1("v1"),
  /** Open Inference Protocol gRPC ModelInfer. */
  GRPC("grpc"),
  /** A call an inference graph makes to a model: metered for the model, not a request. */
  GRAPH("graph"),
  /** Health, metadata, repository and metrics endpoints: logged, not metered per model. */
  MANAGEMENT("management");

  private final String tag;

  Protocol(String tag) {
    this.tag = tag;
  }

  /** The {@code protocol} tag value of the request metrics. */
  String tag() {
    return tag;
  }

  boolean isInference() {
    return this != MANAGEMENT;
  }
}
