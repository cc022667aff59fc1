package io.mlsys.server;

import static io.mlsys.server.IrisComponentTest.LABELS;
import static io.mlsys.server.IrisComponentTest.PROBABILITIES;
import static io.mlsys.server.IrisComponentTest.ROWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.ModelInferResponse;
import inference.GrpcPredictV2.ModelInferResponse.InferOutputTensor;
import inference.GrpcPredictV2.ModelMetadataRequest;
import inference.GrpcPredictV2.ModelMetadataResponse;
import io.grpc.ManagedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing over gRPC: {@link MlsysServer#fromConfig} with a gRPC port, the scikit-learn iris
 * SVC in ONNX Runtime, answers checked against the fixture README (1e-5).
 */
class GrpcIrisTest {
  @TempDir Path dir;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          () -> IrisComponentTest.startIris(dir, MlsysServerExtension.config().withGrpcPort(0)));

  private ManagedChannel channel;
  private GRPCInferenceServiceBlockingStub stub;

  @BeforeEach
  void connect() {
    channel = GrpcInferenceServiceTest.connect(server.server());
    stub = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    GrpcInferenceServiceTest.disconnect(channel);
  }

  private static float[] allRows() {
    float[] values = new float[ROWS.length * 4];
    for (int i = 0; i < ROWS.length; i++) {
      System.arraycopy(ROWS[i], 0, values, i * 4, 4);
    }
    return values;
  }

  private static InferOutputTensor output(ModelInferResponse response, String name) {
    for (InferOutputTensor output : response.getOutputsList()) {
      if (output.getName().equals(name)) {
        return output;
      }
    }
    throw new AssertionError("no output " + name + " in " + response);
  }

  private static int index(ModelInferResponse response, String name) {
    return response.getOutputsList().indexOf(output(response, name));
  }

  @Test
  void typedBatchGivesTheReadmeLabelsAndProbabilities() {
    ModelInferResponse response =
        stub.modelInfer(GrpcInferenceServiceTest.fp32Request("iris", "float_input", allRows()));

    assertThat(response.getModelName()).isEqualTo("iris");
    assertThat(response.getModelVersion()).isEqualTo("1");
    InferOutputTensor labels = output(response, "output_label");
    assertThat(labels.getDatatype()).isEqualTo("INT64");
    assertThat(labels.getShapeList()).containsExactly((long) ROWS.length);
    assertThat(labels.getContents().getInt64ContentsList())
        .containsExactly(LABELS[0], LABELS[1], LABELS[2], LABELS[3]);
    InferOutputTensor probabilities = output(response, "output_probability");
    assertThat(probabilities.getShapeList()).containsExactly((long) ROWS.length, 3L);
    for (int i = 0; i < ROWS.length; i++) {
      for (int c = 0; c < 3; c++) {
        assertThat((double) probabilities.getContents().getFp32Contents(i * 3 + c))
            .as("row %d class %d", i, c)
            .isCloseTo(PROBABILITIES[i][c], within(1e-5));
      }
    }
  }

  @Test
  void rawBatchGivesTheSameAnswersRaw() {
    ModelInferResponse response =
        stub.modelInfer(GrpcInferenceServiceTest.rawFp32Request("iris", "float_input", allRows()));

    ByteBuffer labels =
        response
            .getRawOutputContents(index(response, "output_label"))
            .asReadOnlyByteBuffer()
            .order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer probabilities =
        response
            .getRawOutputContents(index(response, "output_probability"))
            .asReadOnlyByteBuffer()
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(labels.remaining()).isEqualTo(ROWS.length * Long.BYTES);
    for (int i = 0; i < ROWS.length; i++) {
      assertThat(labels.getLong()).isEqualTo(LABELS[i]);
      for (int c = 0; c < 3; c++) {
        assertThat((double) probabilities.getFloat())
            .as("row %d class %d", i, c)
            .isCloseTo(PROBABILITIES[i][c], within(1e-5));
      }
    }
  }

  @Test
  void metadataDescribesTheOnnxSignature() {
    ModelMetadataResponse metadata =
        stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").build());

    assertThat(metadata.getPlatform()).isEqualTo("onnxruntime_onnx");
    assertThat(metadata.getVersionsList()).containsExactly("1");
    assertThat(metadata.getInputs(0).getName()).isEqualTo("float_input");
    assertThat(metadata.getInputs(0).getShapeList()).containsExactly(-1L, 4L);
  }
}
