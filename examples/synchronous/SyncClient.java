// A synchronous gRPC client of the Open Inference Protocol, with deadlines. One file, run by the
// java launcher against the jars of the built CLI (they hold the generated stubs and grpc-java):
//
//   java -cp "mlsys-cli/target/lib/*" examples/synchronous/SyncClient.java 127.0.0.1 8081
//
// It checks its own answers and exits with 1 on the first mismatch, like the run.sh scripts.

import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.InferParameter;
import inference.GrpcPredictV2.InferTensorContents;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferResponse;
import inference.GrpcPredictV2.ModelInferResponse.InferOutputTensor;
import inference.GrpcPredictV2.ServerReadyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;

public class SyncClient {
  public static void main(String[] args) throws InterruptedException {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8081;
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create()).build();
    try {
      run(GRPCInferenceServiceGrpc.newBlockingStub(channel));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  static void run(GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub) {
    System.out.println("gRPC: ServerReady, with a 5 s deadline");
    boolean ready =
        stub.withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReady(ServerReadyRequest.getDefaultInstance())
            .getReady();
    expect("server ready over gRPC", ready, true);

    System.out.println("gRPC: ModelInfer, two rows, the caller waits up to 2 s for the answer");
    ModelInferRequest twoRows =
        request(new float[] {5.1f, 3.5f, 1.4f, 0.2f, 6.7f, 3.0f, 5.2f, 2.3f}).toBuilder()
            .setId("sync-1")
            .build();
    ModelInferResponse answer = stub.withDeadlineAfter(2, TimeUnit.SECONDS).modelInfer(twoRows);
    InferOutputTensor label = output(answer, "label");
    InferOutputTensor probabilities = output(answer, "probabilities");
    System.out.println("  id " + answer.getId() + ", model " + answer.getModelName()
        + " version " + answer.getModelVersion());
    System.out.println("  label " + label.getContents().getInt64ContentsList()
        + ", probabilities " + probabilities.getContents().getFp32ContentsList());
    expect("request id echoed", answer.getId(), "sync-1");
    expect("two labels: setosa (0) and virginica (2)",
        label.getContents().getInt64ContentsList(), List.of(0L, 2L));
    expect("probabilities shape", probabilities.getShapeList(), List.of(2L, 3L));

    System.out.println("gRPC: a 1 microsecond timeout parameter: the server answers"
        + " DEADLINE_EXCEEDED instead of running the model");
    ModelInferRequest tiny =
        request(new float[] {5.1f, 3.5f, 1.4f, 0.2f}).toBuilder()
            .putParameters("timeout", InferParameter.newBuilder().setInt64Param(1).build())
            .build();
    StatusRuntimeException serverSide =
        fails(() -> stub.withDeadlineAfter(2, TimeUnit.SECONDS).modelInfer(tiny));
    System.out.println("  " + serverSide.getStatus());
    expect("server-side deadline", serverSide.getStatus().getCode(), Status.Code.DEADLINE_EXCEEDED);
    expect("the server says where", serverSide.getStatus().getDescription(),
        "deadline exceeded at model 'iris' (before inference)");

    System.out.println("gRPC: a client deadline that has already passed: DEADLINE_EXCEEDED at"
        + " once, never a hang");
    StatusRuntimeException clientSide =
        fails(() -> stub.withDeadlineAfter(1, TimeUnit.NANOSECONDS).modelInfer(twoRows));
    System.out.println("  " + clientSide.getStatus().getCode());
    expect("client-side deadline", clientSide.getStatus().getCode(), Status.Code.DEADLINE_EXCEEDED);

    System.out.println("gRPC: bad input is INVALID_ARGUMENT naming the field");
    ModelInferRequest bad =
        twoRows.toBuilder().setInputs(0, twoRows.getInputs(0).toBuilder().setDatatype("FP64"))
            .build();
    StatusRuntimeException invalid =
        fails(() -> stub.withDeadlineAfter(2, TimeUnit.SECONDS).modelInfer(bad));
    System.out.println("  " + invalid.getStatus());
    expect("invalid argument", invalid.getStatus().getCode(), Status.Code.INVALID_ARGUMENT);
    expect("names the field", invalid.getStatus().getDescription().contains("datatype"), true);
  }

  /** One input `input`, FP32, shape [rows, 4], elements in the typed contents field. */
  static ModelInferRequest request(float[] values) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    for (float value : values) {
      contents.addFp32Contents(value);
    }
    return ModelInferRequest.newBuilder()
        .setModelName("iris")
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input")
                .setDatatype("FP32")
                .addShape(values.length / 4)
                .addShape(4)
                .setContents(contents))
        .build();
  }

  static InferOutputTensor output(ModelInferResponse response, String name) {
    for (InferOutputTensor output : response.getOutputsList()) {
      if (output.getName().equals(name)) {
        return output;
      }
    }
    throw failure("no output '" + name + "' in the answer");
  }

  static StatusRuntimeException fails(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw failure("the call succeeded (expected: an error status)");
  }

  static void expect(String what, Object actual, Object expected) {
    if (!expected.equals(actual)) {
      throw failure(what + ": got " + actual + " (expected: " + expected + ")");
    }
    System.out.println("ok: " + what);
  }

  static IllegalStateException failure(String message) {
    System.err.println("FAILED: " + message);
    System.exit(1);
    return new IllegalStateException(message);
  }
}
