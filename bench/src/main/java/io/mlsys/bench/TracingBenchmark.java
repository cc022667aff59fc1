package io.mlsys.bench;

import com.sun.net.httpserver.HttpServer;
import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.Span;
import io.mlsys.tracing.Tracing;
import io.mlsys.tracing.TracingConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What tracing adds to one request in process, without the model: the request's span from its
 * {@code traceparent} (or a new trace), the call context holding it, one child span (the model
 * call) with its attributes, both ended. {@code off} is the default (ids only); {@code on-100} and
 * {@code on-1} record and export (to a local OTLP/HTTP endpoint that answers 200) every trace, or
 * one in a hundred. Compare with a request's own cost: the one-row iris call alone is about 15 us.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class TracingBenchmark {
  @Param({"off", "on-100", "on-1"})
  public String tracing;

  /** Whether the request carries a sampled {@code traceparent}, or starts a new trace. */
  @Param({"false", "true"})
  public boolean traceparent;

  private HttpServer sink;
  private Tracing tracer;
  private final Clock clock = Clock.systemUTC();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sink.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    sink.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    sink.start();
    String endpoint = "http://127.0.0.1:" + sink.getAddress().getPort();
    TracingConfig config = TracingConfig.defaults().withOtlpEndpoint(endpoint);
    tracer =
        switch (tracing) {
          case "off" -> Tracing.off();
          case "on-100" -> Tracing.open(config);
          case "on-1" -> Tracing.open(config.withSampleRate(0.01));
          default -> throw new IllegalArgumentException("tracing: " + tracing);
        };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tracer.close();
    sink.stop(0);
  }

  @Benchmark
  public String request() {
    Span request =
        tracer.startRequest(
            "POST /v2/models/{model}/infer",
            traceparent ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" : null,
            null);
    CallContext context =
        new CallContext(
            clock,
            null,
            Map.of(),
            "bench",
            Map.of(CallAttribute.REQUEST_ID, "bench", CallAttribute.SPAN, request));
    Span parent = Span.of(context);
    String traceId;
    if (parent.isRecording()) {
      Span model = parent.child("infer iris", Span.Kind.INTERNAL);
      model.setAttribute("mlsys.model", "iris");
      model.setAttribute("mlsys.model.version", "1");
      model.setAttribute("mlsys.outcome", "ok");
      traceId = model.traceId();
      model.end();
      request.setAttribute("http.response.status_code", 200);
    } else {
      traceId = parent.traceId();
    }
    request.end();
    return traceId;
  }
}
