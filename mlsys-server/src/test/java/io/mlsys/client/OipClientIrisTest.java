package io.mlsys.client;

import static io.mlsys.client.IrisServer.CONTEXT;
import static io.mlsys.client.IrisServer.LABEL;
import static io.mlsys.client.IrisServer.LABELS;
import static io.mlsys.client.IrisServer.MODEL;
import static io.mlsys.client.IrisServer.PROBABILITIES;
import static io.mlsys.client.IrisServer.PROBABILITY;
import static io.mlsys.client.IrisServer.TOLERANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.UpstreamFailureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against a real second mlsys server serving the iris SVC; answers from the README. */
class OipClientIrisTest {
  @RegisterExtension final IrisServer iris = new IrisServer();

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private OipClient client;

  @BeforeEach
  void connect() {
    client = OipClient.create(iris.baseUrl(), OipClientOptions.defaults().withSleeper(sleeper));
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  private static void assertRow(InferResponse response, int batchIndex, int row) {
    assertThat(response.output(LABEL).orElseThrow().longs()[batchIndex]).isEqualTo(LABELS[row]);
    float[] probabilities = response.output(PROBABILITY).orElseThrow().floats();
    for (int c = 0; c < 3; c++) {
      assertThat(probabilities[batchIndex * 3 + c])
          .as("row %d class %d", row, c)
          .isCloseTo(PROBABILITIES[row][c], within((float) TOLERANCE));
    }
  }

  @Test
  void inferGivesTheReadmeLabelsAndProbabilities() {
    InferResponse response =
        client.infer(MODEL, null, InferRequest.of(IrisServer.allRows()), CONTEXT);

    for (int row = 0; row < IrisServer.ROWS.length; row++) {
      assertRow(response, row, row);
    }
    assertThat(response.output(PROBABILITY).orElseThrow().shape()).containsExactly(4, 3);
  }

  @Test
  void inferAnswerCarriesTheRemoteModelVersionAndTheRequestId() {
    InferRequest request = new InferRequest("req-7", List.of(IrisServer.row(0)), null, Map.of());

    InferResponse response = client.infer(MODEL, "1", request, CONTEXT);

    assertThat(response.modelName()).isEqualTo(MODEL);
    assertThat(response.modelVersion()).isEqualTo("1");
    assertThat(response.id()).isEqualTo("req-7");
  }

  @Test
  void requestedOutputsAreForwarded() {
    InferRequest request =
        InferRequest.of(IrisServer.row(2)).withOutputs(List.of(RequestedOutput.named(LABEL)));

    InferResponse response = client.infer(MODEL, null, request, CONTEXT);

    assertThat(response.outputs()).extracting(Tensor::name).containsExactly(LABEL);
    assertThat(response.output(LABEL).orElseThrow().longs()).containsExactly(2L);
  }

  @Test
  void metadataDescribesTheOnnxSignatureAndLabels() {
    ModelMetadata metadata = client.metadata(MODEL, null, CONTEXT);

    assertThat(metadata.name()).isEqualTo(MODEL);
    assertThat(metadata.version()).isEqualTo("1");
    assertThat(metadata.platform()).isEqualTo("onnxruntime_onnx");
    assertThat(metadata.input("float_input").orElseThrow().datatype()).isEqualTo(DataType.FP32);
    assertThat(metadata.input("float_input").orElseThrow().shape()).containsExactly(-1L, 4L);
    assertThat(metadata.output(PROBABILITY).orElseThrow().classes()).containsExactly("0", "1", "2");
    assertThat(metadata.labels()).containsEntry("0", "setosa").containsEntry("2", "virginica");
  }

  @Test
  void serverIsLiveAndReady() {
    assertThat(client.isServerLive(CONTEXT)).isTrue();
    assertThat(client.isServerReady(CONTEXT)).isTrue();
  }

  @Test
  void servedModelIsReadyAndAnUnknownOneIsNot() {
    assertThat(client.isModelReady(MODEL, null, CONTEXT)).isTrue();
    assertThat(client.isModelReady(MODEL, "1", CONTEXT)).isTrue();
    assertThat(client.isModelReady("no-such-model", null, CONTEXT)).isFalse();
  }

  @Test
  void inputThatDoesNotFitIsInvalidInputNamingTheRemote() {
    Tensor threeColumns = Tensor.ofFloats("float_input", new long[] {1, 3}, 1f, 2f, 3f);

    assertThatThrownBy(() -> client.infer(MODEL, null, InferRequest.of(threeColumns), CONTEXT))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.field()).isEqualTo("remote " + iris.baseUrl() + "/v2/models/" + MODEL))
        .hasMessageContaining("float_input");
    assertThat(sleeper.pauses()).isEmpty();
  }

  @Test
  void unknownModelIsAnUpstreamFailureWithTheRemoteMessage() {
    assertThatThrownBy(
            () -> client.infer("no-such-model", null, InferRequest.of(IrisServer.row(0)), CONTEXT))
        .isInstanceOfSatisfying(
            UpstreamFailureException.class,
            e -> assertThat(e.upstream()).isEqualTo(iris.baseUrl() + "/v2/models/no-such-model"))
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("model 'no-such-model' is not found");
    assertThat(sleeper.pauses()).isEmpty();
  }

  @Test
  void unknownVersionInMetadataIsAnUpstreamFailure() {
    assertThatThrownBy(() -> client.metadata(MODEL, "9", CONTEXT))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("has no version '9'");
  }

  @Test
  void unloadedModelAnswers503WhichIsRetriedThenAnUpstreamFailure() {
    iris.server().repository().unload(MODEL);

    assertThatThrownBy(() -> client.infer(MODEL, null, InferRequest.of(IrisServer.row(0)), CONTEXT))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageContaining("HTTP 503 after 2 attempts")
        .hasMessageContaining("is not ready");
    assertThat(sleeper.pauses()).containsExactly(OipClientOptions.DEFAULT_RETRY_BACKOFF);
    assertThat(client.isModelReady(MODEL, null, CONTEXT)).isFalse();
  }

  @Test
  void hundredCallsFromSixteenVirtualThreadsAreAllCorrect() throws Exception {
    int calls = 100;
    int threads = 16;
    List<Future<List<Integer>>> results = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(
            executor.submit(
                () -> {
                  List<Integer> done = new ArrayList<>();
                  for (int call = thread; call < calls; call += threads) {
                    int row = call % IrisServer.ROWS.length;
                    InferRequest request =
                        new InferRequest(
                            "call-" + call, List.of(IrisServer.row(row)), null, Map.of());
                    InferResponse response = client.infer(MODEL, null, request, CONTEXT);
                    assertThat(response.id()).isEqualTo("call-" + call);
                    assertRow(response, 0, row);
                    done.add(call);
                  }
                  return done;
                }));
      }
    }
    List<Integer> done = new ArrayList<>();
    for (Future<List<Integer>> result : results) {
      done.addAll(result.get());
    }
    assertThat(done).hasSize(calls).doesNotHaveDuplicates();
    assertThat(sleeper.pauses()).isEmpty();
  }

  @Test
  void deadlineLeavesTimeForTheRemoteToAnswer() {
    InferResponse response =
        client.infer(
            MODEL,
            null,
            InferRequest.of(IrisServer.row(1)),
            CONTEXT.withTimeout(Duration.ofSeconds(30)));

    assertRow(response, 0, 1);
  }
}
