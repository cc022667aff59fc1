package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.mlsys.predictionlog.PredictionEvent;
import io.mlsys.server.OtlpReceiver.Received;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spans of two real servers (a graph server whose ensemble calls a local model and a remote one on
 * a second server) exported over OTLP/HTTP to a real receiver that decodes them with the OTLP
 * protobuf classes: the caller's trace is joined, every step is a child of the one that ran it, and
 * the remote server's request span is a child of the remote node's span.
 */
class TracingServingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";
  private static final String INFER_ROUTE = "POST /v2/models/{model}/infer";

  @TempDir Path dir;

  private OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = new OtlpReceiver();
    Files.copy(Fixtures.require("sklearn-iris/iris_svc.onnx"), dir.resolve("iris_svc.onnx"));
    Files.copy(Fixtures.require("sklearn-iris/label.json"), dir.resolve("label.json"));
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private String tracing(String service) {
    return "tracing:\n  otlp-endpoint: "
        + receiver.endpoint()
        + "\n  service-name: "
        + service
        + "\n  schedule-delay: 50ms\n";
  }

  /** The second server: the iris model, its prediction log under {@code down-log}. */
  private MlsysServer downstream(String tracingYaml) throws IOException {
    return start(
        "models:\n"
            + "  iris: { uri: iris_svc.onnx, labels: label.json }\n"
            + "prediction-log:\n"
            + "  jsonl: { dir: down-log }\n"
            + tracingYaml,
        "down");
  }

  /** The graph server: {@code both} calls its own iris and the downstream's at once. */
  private MlsysServer upstream(MlsysServer downstream, String tracingYaml) throws IOException {
    return start(
        "models:\n"
            + "  iris: { uri: iris_svc.onnx, labels: label.json }\n"
            + "graphs:\n"
            + "  both:\n"
            + "    ensemble:\n"
            + "      branches:\n"
            + "        local: { model: iris }\n"
            + "        far: { remote: { url: \"http://127.0.0.1:"
            + downstream.port()
            + "\", model: iris } }\n"
            + "      combine: all\n"
            + tracingYaml,
        "up");
  }

  private MlsysServer start(String yaml, String name) throws IOException {
    MlsysConfig config =
        MlsysConfigLoader.parse(yaml, dir, Map.of())
            .withServer(MlsysServerExtension.config().withGrpcPort(0))
            .withDataDir(dir.resolve(name + "-data"));
    return MlsysServer.fromConfig(config).start();
  }

  private static HttpResponse<String> infer(MlsysServer server, String model, String traceparent)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v2/models/" + model + "/infer"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\","
                        + " \"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}"));
    if (traceparent != null) {
      request.header("traceparent", traceparent).header("tracestate", "vendor=abc");
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private List<PredictionEvent> events(String folder) throws IOException {
    List<PredictionEvent> events = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir.resolve(folder))) {
      for (Path file : files.sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          events.add(PredictionEvent.fromJson(line));
        }
      }
    }
    return events;
  }

  private static Received only(List<Received> spans, String service, String name) {
    List<Received> found =
        spans.stream().filter(s -> s.service().equals(service) && s.name().equals(name)).toList();
    assertThat(found).as(service + " span " + name + " in " + names(spans)).hasSize(1);
    return found.getFirst();
  }

  private static Received node(List<Received> spans, String pathEnd) {
    List<Received> found =
        spans.stream()
            .filter(s -> s.name().startsWith("node ") && s.name().endsWith(pathEnd))
            .toList();
    assertThat(found).as("node span ending " + pathEnd + " in " + names(spans)).hasSize(1);
    return found.getFirst();
  }

  private static List<String> names(List<Received> spans) {
    return spans.stream().map(s -> s.service() + ":" + s.name()).toList();
  }

  @Test
  void aGraphRequestIsOneTraceAcrossBothServersUnderTheCallersSpan() throws Exception {
    try (MlsysServer down = downstream(tracing("down"));
        MlsysServer up = upstream(down, tracing("up"))) {
      HttpResponse<String> answer = infer(up, "both", TRACEPARENT);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }
    // Both servers stopped: each exported what it had before closing.
    List<Received> spans = receiver.spans();
    assertThat(receiver.contentTypes()).allMatch("application/x-protobuf"::equals);
    assertThat(spans).allSatisfy(span -> assertThat(span.traceId()).isEqualTo(TRACE_ID));

    Received request = only(spans, "up", INFER_ROUTE);
    assertThat(request.parentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(request.span().getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(request.attributes())
        .containsEntry("http.response.status_code", 200L)
        .containsEntry("mlsys.model", "both")
        .containsEntry("mlsys.outcome", "ok");
    assertThat(request.span().getTraceState()).isEqualTo("vendor=abc");

    Received root = only(spans, "up", "node graphs.both");
    assertThat(root.parentSpanId()).isEqualTo(request.spanId());
    Received local = node(spans, "[local]");
    Received far = node(spans, "[far]");
    assertThat(local.parentSpanId()).isEqualTo(root.spanId());
    assertThat(far.parentSpanId()).isEqualTo(root.spanId());
    assertThat(far.attributes()).containsEntry("mlsys.outcome", "ok");

    Received localModel = only(spans, "up", "infer iris");
    assertThat(localModel.parentSpanId()).isEqualTo(local.spanId());
    assertThat(localModel.attributes())
        .containsEntry("mlsys.model", "iris")
        .containsEntry("mlsys.model.version", "1")
        .containsEntry("mlsys.outcome", "ok");

    // The remote node sent its own span as the parent: the second server's request is under it.
    Received remoteRequest = only(spans, "down", INFER_ROUTE);
    assertThat(remoteRequest.parentSpanId()).isEqualTo(far.spanId());
    Received remoteModel = only(spans, "down", "infer iris");
    assertThat(remoteModel.parentSpanId()).isEqualTo(remoteRequest.spanId());
    assertThat(remoteModel.attributes()).containsEntry("mlsys.model.version", "1");

    assertThat(events("down-log")).extracting(PredictionEvent::traceId).containsExactly(TRACE_ID);
  }

  @Test
  void aRequestWithoutTraceparentStartsANewTraceThatTheLogCarries() throws Exception {
    try (MlsysServer down = downstream(tracing("down"))) {
      assertThat(infer(down, "iris", null).statusCode()).isEqualTo(200);
      assertThat(infer(down, "iris", "00-not-a-valid-header-01").statusCode()).isEqualTo(200);
    }
    List<Received> requests =
        receiver.spans().stream().filter(s -> s.name().equals(INFER_ROUTE)).toList();
    assertThat(requests).hasSize(2);
    assertThat(requests).allSatisfy(span -> assertThat(span.span().getParentSpanId()).isEmpty());
    List<String> traceIds = requests.stream().map(Received::traceId).toList();
    assertThat(traceIds).doesNotHaveDuplicates().doesNotContain(TRACE_ID);
    assertThat(events("down-log"))
        .extracting(PredictionEvent::traceId)
        .containsExactlyInAnyOrderElementsOf(traceIds);
  }

  @Test
  void withTracingOffTheTraceparentStillReachesTheRemoteServerUnchanged() throws Exception {
    try (MlsysServer down = downstream(tracing("down"));
        MlsysServer up = upstream(down, "")) {
      assertThat(infer(up, "both", TRACEPARENT).statusCode()).isEqualTo(200);
    }
    List<Received> spans = receiver.spans();
    assertThat(spans).noneMatch(span -> span.service().equals("up"));
    Received remoteRequest = only(spans, "down", INFER_ROUTE);
    assertThat(remoteRequest.traceId()).isEqualTo(TRACE_ID);
    // The graph server took no part in the trace: it passed the caller's span id on.
    assertThat(remoteRequest.parentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(remoteRequest.span().getTraceState()).isEqualTo("vendor=abc");
  }

  @Test
  void sampleRateZeroRecordsOnlyTracesTheCallerSampled() throws Exception {
    try (MlsysServer down = downstream(tracing("down") + "  sample-rate: 0\n")) {
      assertThat(infer(down, "iris", null).statusCode()).isEqualTo(200);
      assertThat(infer(down, "iris", TRACEPARENT).statusCode()).isEqualTo(200);
      assertThat(
              infer(down, "iris", "00-" + TRACE_ID.replace('4', '5') + "-" + CALLER_SPAN + "-00"))
          .extracting(HttpResponse::statusCode)
          .isEqualTo(200);
    }
    List<Received> spans = receiver.spans();
    assertThat(spans)
        .isNotEmpty()
        .allSatisfy(span -> assertThat(span.traceId()).isEqualTo(TRACE_ID));
    // Unrecorded requests still log their trace id.
    assertThat(events("down-log"))
        .extracting(PredictionEvent::traceId)
        .doesNotContainNull()
        .hasSize(3);
  }

  @Test
  void aGrpcCallJoinsTheCallersTraceFromItsMetadata() throws Exception {
    try (MlsysServer down = downstream(tracing("down"))) {
      Metadata headers = new Metadata();
      headers.put(GrpcCallInterceptor.TRACEPARENT, TRACEPARENT);
      ManagedChannel channel = GrpcInferenceServiceTest.connect(down);
      try {
        GRPCInferenceServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .modelInfer(
                GrpcInferenceServiceTest.fp32Request(
                    "iris", "float_input", 5.1f, 3.5f, 1.4f, 0.2f));
      } finally {
        GrpcInferenceServiceTest.disconnect(channel);
      }
    }
    List<Received> spans = receiver.spans();
    Received call = only(spans, "down", "inference.GRPCInferenceService/ModelInfer");
    assertThat(call.traceId()).isEqualTo(TRACE_ID);
    assertThat(call.parentSpanId()).isEqualTo(CALLER_SPAN);
    assertThat(call.attributes())
        .containsEntry("rpc.system", "grpc")
        .containsEntry("rpc.grpc.status_code", 0L)
        .containsEntry("mlsys.model", "iris")
        .containsEntry("mlsys.outcome", "ok");
    Received model = only(spans, "down", "infer iris");
    assertThat(model.parentSpanId()).isEqualTo(call.spanId());
    assertThat(events("down-log")).extracting(PredictionEvent::traceId).containsExactly(TRACE_ID);
  }

  @Test
  void aFailedModelCallIsAnErrorSpanWithItsOutcome() throws Exception {
    try (MlsysServer down = downstream(tracing("down"))) {
      HttpResponse<String> bad =
          send(
              down,
              "/v2/models/iris/infer",
              "{\"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\","
                  + " \"shape\": [1, 3], \"data\": [5.1, 3.5, 1.4]}]}");
      assertThat(bad.statusCode()).isEqualTo(400);
    }
    Received request = only(receiver.spans(), "down", INFER_ROUTE);
    assertThat(request.attributes())
        .containsEntry("http.response.status_code", 400L)
        .containsEntry("mlsys.outcome", "invalid_input");
  }

  private static HttpResponse<String> send(MlsysServer server, String path, String body)
      throws IOException, InterruptedException {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }
}
