package io.mlsys.server;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real OTLP/HTTP traces endpoint for tests: a JDK HTTP server on a free port that decodes each
 * {@code POST /v1/traces} (protobuf) with the OTLP classes and keeps the spans it got.
 */
final class OtlpReceiver implements AutoCloseable {
  /** One span as received, with the {@code service.name} of its resource. */
  record Received(String service, Span span) {
    String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    String name() {
      return span.getName();
    }

    Map<String, Object> attributes() {
      return OtlpReceiver.attributes(span.getAttributesList());
    }
  }

  private final HttpServer server;
  private final List<Received> spans = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in);
            for (ResourceSpans resource : request.getResourceSpansList()) {
              String service = String.valueOf(service(resource.getResource()));
              for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                  spans.add(new Received(service, span));
                }
              }
            }
            byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(answer);
            }
          }
        });
    server.start();
  }

  /** The base URL, as {@code tracing.otlp-endpoint} takes it. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> spans() {
    return new ArrayList<>(spans);
  }

  List<String> contentTypes() {
    return List.copyOf(contentTypes);
  }

  private static Object service(Resource resource) {
    return attributes(resource.getAttributesList()).get("service.name");
  }

  static Map<String, Object> attributes(List<KeyValue> list) {
    Map<String, Object> map = new java.util.HashMap<>();
    for (KeyValue pair : list) {
      AnyValue value = pair.getValue();
      Object plain =
          switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> value.getIntValue();
            case BOOL_VALUE -> value.getBoolValue();
            case DOUBLE_VALUE -> value.getDoubleValue();
            default -> value.toString();
          };
      map.put(pair.getKey(), plain);
    }
    return map;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
