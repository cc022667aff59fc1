package io.mlsys.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Span;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.core.TraceContext;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code prediction-log} decorator, found through the SPI, recording into a log. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PredictionLogDecoratorTest {
  private static final ModelMetadata METADATA =
      new ModelMetadata(
          "iris",
          "3",
          "test",
          List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 2L))),
          List.of(new TensorSpec("x", DataType.FP32, List.of(-1L, 2L))),
          Map.of(),
          Map.of());

  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedResources resources = SharedResources.create();
  private final RecordingSink sink = new RecordingSink("memory");
  private PredictionLog log;
  private Model model;

  @TempDir Path dir;

  @AfterEach
  void tearDown() {
    if (model != null) {
      model.close();
    }
    resources.close();
  }

  private Model decorated(PredictionLogOptions options, StubModel inner) {
    log =
        resources.computeIfAbsent(
            PredictionLog.class,
            () ->
                PredictionLog.builder(dir)
                    .clock(clock)
                    .random(new Random(1))
                    .meterRegistry(registry)
                    .sink(sink)
                    .build());
    model =
        ModelDecorators.installed()
            .decorate(
                inner,
                List.of(options),
                new DecoratorContext("iris", "3", clock, registry, resources));
    return model;
  }

  /** Echoes its input; takes 2 ms of the manual clock. */
  private StubModel slowEcho() {
    StubModel echo = StubModel.echo(METADATA);
    return new StubModel(
        METADATA,
        (request, context) -> {
          clock.advance(Duration.ofMillis(2));
          return echo.infer(request, context);
        });
  }

  private static InferRequest request(String id) {
    return new InferRequest(
        id, List.of(Tensor.ofFloats("x", new long[] {1, 2}, 5.1f, 3.5f)), List.of(), Map.of());
  }

  private CallContext context(String serverRequestId) {
    return new CallContext(
            clock,
            null,
            Map.of("X-Tenant", "acme", "Authorization", "Bearer secret"),
            "trace",
            Map.of())
        .with(CallAttribute.REQUEST_ID, serverRequestId)
        .with(CallAttribute.CALLER, "alice");
  }

  @Test
  void eventsCarryTheTraceIdOfTheCallsSpan() throws InterruptedException {
    Model served = decorated(PredictionLogOptions.defaults(), slowEcho());
    TraceContext trace =
        new TraceContext("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true, null);

    served.infer(request("a"), context("srv-1").with(CallAttribute.SPAN, Span.untraced(trace)));
    served.infer(request("b"), context("srv-2"));
    log.flush();

    assertThat(sink.received())
        .extracting(PredictionEvent::traceId)
        .containsExactly("4bf92f3577b34da6a3ce929d0e0e4736", null);
  }

  @Test
  void eventsSayWhereInAGraphAndInWhichExperimentArmTheModelWasCalled()
      throws InterruptedException {
    Model served = decorated(PredictionLogOptions.defaults(), slowEcho());

    served.infer(
        request("a"),
        context("srv-1")
            .with(CallAttribute.GRAPH_PATH, "graphs.iris-ab.split.arms[b]")
            .with(CallAttribute.EXPERIMENT_ARM, "b"));
    served.infer(request("b"), context("srv-2"));
    log.flush();

    List<PredictionEvent> events = sink.received();
    assertThat(events.get(0).graphPath()).isEqualTo("graphs.iris-ab.split.arms[b]");
    assertThat(events.get(0).arm()).isEqualTo("b");
    assertThat(events.get(0).toJson())
        .contains("\"graph_path\":\"graphs.iris-ab.split.arms[b]\",\"arm\":\"b\"");
    // A model called on its own: the keys are left out, so lines of models without graphs keep
    // their shape.
    assertThat(events.get(1).toJson()).doesNotContain("graph_path").doesNotContain("\"arm\"");
    assertThat(PredictionEvent.fromJson(events.get(0).toJson())).isEqualTo(events.get(0));
  }

  @Test
  void recordsOneEventPerCallWithTheSchemaFields() throws InterruptedException {
    Model served =
        decorated(PredictionLogOptions.defaults().withHeaders(List.of("x-tenant")), slowEcho());

    served.infer(request("client-1"), context("srv-1"));
    served.infer(request(null), context("srv-2"));
    log.flush();

    List<PredictionEvent> events = sink.received();
    assertThat(events).hasSize(2);
    PredictionEvent first = events.getFirst();
    assertThat(first.schemaVersion()).isEqualTo(PredictionEvent.SCHEMA_VERSION);
    // The OIP id when the request has one, else the server's request id.
    assertThat(events).extracting(PredictionEvent::requestId).containsExactly("client-1", "srv-2");
    assertThat(first.time()).isEqualTo("2026-12-07T10:00:00Z");
    assertThat(first.modelName()).isEqualTo("iris");
    assertThat(first.modelVersion()).isEqualTo("3");
    assertThat(first.latencyUs()).isEqualTo(2000);
    assertThat(first.status()).isEqualTo("ok");
    assertThat(first.error()).isNull();
    assertThat(first.caller()).isEqualTo("alice");
    // Only the headers asked for: never the token.
    assertThat(first.headers()).isEqualTo(Map.of("x-tenant", "acme"));
    assertThat(first.inputs().get(0).get("name").asText()).isEqualTo("x");
    assertThat(first.inputs().get(0).get("datatype").asText()).isEqualTo("FP32");
    assertThat(first.inputs().get(0).get("data").toString()).isEqualTo("[5.1,3.5]");
    assertThat(first.outputs()).isEqualTo(first.inputs());
    assertThat(events).extracting(PredictionEvent::eventId).doesNotHaveDuplicates();
  }

  @Test
  void aFailedCallIsRecordedWithItsErrorKindAndStillFails() throws InterruptedException {
    Model served =
        decorated(
            PredictionLogOptions.defaults(),
            new StubModel(
                METADATA,
                (request, context) -> {
                  throw new InvalidInputException("inputs[0]", "bad shape");
                }));

    assertThatThrownBy(() -> served.infer(request("r1"), context("s1")))
        .isInstanceOf(InvalidInputException.class);
    log.flush();

    PredictionEvent event = sink.received().getFirst();
    assertThat(event.status()).isEqualTo("invalid_input");
    assertThat(event.error()).contains("bad shape");
    assertThat(event.outputs()).isNull();
    assertThat(event.inputs()).isNotNull();
  }

  @Test
  void fieldPoliciesHashDropAndRedact() throws InterruptedException {
    Model served =
        decorated(
            PredictionLogOptions.defaults()
                .withFields(FieldPolicy.HASHED, FieldPolicy.DROPPED)
                .withRedact(List.of("secret")),
            slowEcho());
    InferRequest twoInputs =
        new InferRequest(
            "r",
            List.of(
                Tensor.ofFloats("x", new long[] {1, 2}, 5.1f, 3.5f),
                Tensor.ofStrings("secret", new long[] {1}, "ssn-123")),
            List.of(),
            Map.of());

    served.infer(twoInputs, context("s"));
    served.infer(twoInputs, context("s"));
    log.flush();

    List<PredictionEvent> events = sink.received();
    JsonNode x = events.getFirst().inputs().get(0);
    assertThat(x.has("data")).isFalse();
    assertThat(x.get("sha256").asText()).hasSize(64);
    assertThat(x.get("shape").toString()).isEqualTo("[1,2]");
    // The same input hashes the same, so repeated inputs can still be found.
    assertThat(events.get(1).inputs().get(0)).isEqualTo(x);
    JsonNode secret = events.getFirst().inputs().get(1);
    assertThat(secret.get("redacted").asBoolean()).isTrue();
    assertThat(secret.has("data")).isFalse();
    assertThat(secret.has("sha256")).isFalse();
    assertThat(events.getFirst().toJson()).doesNotContain("ssn-123");
    assertThat(events.getFirst().outputs()).isNull();
  }

  @Test
  void sampleRatesAreCounted() throws InterruptedException {
    Model served =
        decorated(
            PredictionLogOptions.defaults()
                .withSampleRate(0.25)
                .withFields(FieldPolicy.SAMPLED, FieldPolicy.FULL)
                .withPayloadSampleRate(0.5),
            slowEcho());

    for (int i = 0; i < 40; i++) {
      served.infer(request("r" + i), context("s"));
    }
    log.flush();

    List<PredictionEvent> events = sink.received();
    assertThat(events).extracting(PredictionEvent::requestId).startsWith("r3", "r7", "r11");
    assertThat(events).hasSize(10);
    assertThat(events.stream().filter(event -> event.inputs() != null)).hasSize(5);
    assertThat(events).allSatisfy(event -> assertThat(event.outputs()).isNotNull());
  }

  @Test
  void aSwitchedOffLogServesWithoutRecording() throws InterruptedException {
    Model served = decorated(PredictionLogOptions.defaults(), slowEcho());
    log.setEnabled(false);
    served.infer(request("off"), context("s"));
    log.setEnabled(true);
    served.infer(request("on"), context("s"));
    log.flush();
    assertThat(sink.received()).extracting(PredictionEvent::requestId).containsExactly("on");
  }

  @Test
  void withoutALogTheModelFailsToLoadWithTheReason() {
    StubModel inner = StubModel.echo(METADATA);
    assertThatThrownBy(
            () ->
                ModelDecorators.installed()
                    .decorate(
                        inner,
                        List.of(PredictionLogOptions.defaults()),
                        new DecoratorContext("iris", "3", clock, registry, resources)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("--prediction-log");
  }
}
