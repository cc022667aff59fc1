/**
 * Wire formats of the inference APIs: {@link io.mlsys.protocol.OipJson} for the Open Inference
 * Protocol (KServe V2) REST JSON, {@link io.mlsys.protocol.OipBinary} for its binary tensor data
 * extension (a JSON header followed by raw tensor bytes) and {@link io.mlsys.protocol.KServeV1Json}
 * for KServe V1 predict, and {@link io.mlsys.protocol.GrpcTensors} for the protobuf messages of the
 * OIP gRPC API (generated from {@code src/main/proto/grpc_predict_v2.proto} into package {@code
 * inference}, with the service stubs that the gRPC transport serves). The JSON codecs parse with
 * Jackson's streaming parser straight into the primitive arrays of {@link
 * io.mlsys.core.TensorData}; every codec reports bad input as {@link
 * io.mlsys.core.InvalidInputException} with the path of the offending value.
 */
package io.mlsys.protocol;
