package io.mlsys.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.DataType;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import io.mlsys.resilience.AdmissionControl;
import io.mlsys.resilience.LimitsConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code server.limits} for inference requests, REST and gRPC alike: the element limit of one
 * request (a 400) and one {@link AdmissionControl} for the whole server, which admits each request
 * with its estimated bytes against the memory budget and the in-flight limit, or sheds it (503).
 */
final class RequestLimits {
  /** What a BYTES element is estimated at when the model's signature gives no size. */
  static final long BYTES_ELEMENT_ESTIMATE = 64;

  private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  private final long maxRequestElements;
  private final AdmissionControl admission;
  private final int maxInFlight;
  private final Duration retryAfter;

  /**
   * @param maxInFlight the admission's in-flight limit: with as many requests waiting as running, a
   *     new one is refused before its body is read ({@link #checkEarly})
   */
  RequestLimits(
      long maxRequestElements, AdmissionControl admission, int maxInFlight, Duration maxQueueWait) {
    this.maxRequestElements = maxRequestElements;
    this.admission = admission;
    this.maxInFlight = maxInFlight;
    this.retryAfter = maxQueueWait.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : maxQueueWait;
  }

  /** The limits of {@code config}; its default budget is a share of this JVM's maximum heap. */
  static RequestLimits of(LimitsConfig config, MeterRegistry registry) {
    AdmissionControl admission =
        AdmissionControl.bounded(
            "server",
            config.maxInFlight(),
            config.memoryBudgetBytes(Runtime.getRuntime().maxMemory()),
            config.maxQueueWait());
    Gauge.builder("mlsys.admission.in.flight", admission, AdmissionControl::inFlight)
        .description("Inference requests admitted under server.limits and not yet done")
        .register(registry);
    Gauge.builder("mlsys.admission.waiting", admission, AdmissionControl::waiting)
        .description("Inference requests waiting to be admitted under server.limits")
        .register(registry);
    Gauge.builder("mlsys.admission.memory", admission, AdmissionControl::bytesInUse)
        .description("Estimated bytes held by the inference requests in flight")
        .baseUnit("bytes")
        .register(registry);
    return new RequestLimits(
        config.maxRequestElements(), admission, config.maxInFlight(), config.maxQueueWait());
  }

  /**
   * The server's part of the check before a request's body is read: refuses (503) when the requests
   * in flight are at {@code server.limits.max-in-flight} and as many again already wait, since a
   * new one would wait a whole round behind them and cost its parsing for nothing.
   *
   * @throws io.mlsys.core.CapacityExceededException when the server is that full
   */
  void checkEarly() {
    if (admission.inFlight() >= maxInFlight && admission.waiting() >= maxInFlight) {
      throw new CapacityExceededException(
          "server ("
              + maxInFlight
              + " requests in flight and as many waiting, server.limits.max-in-flight; refused"
              + " before the request was read)",
          retryAfter);
    }
  }

  /**
   * Checks the element limit and admits the request, waiting while the server is at its limits.
   *
   * @param metadata the signature of the model that answers (its outputs are estimated from it)
   * @param bodyBytes the size of the request as received
   * @throws InvalidInputException naming the input that goes over the element limit
   * @throws io.mlsys.core.CapacityExceededException when it could not be admitted in time
   */
  AdmissionControl.Permit admit(
      InferRequest request, ModelMetadata metadata, long bodyBytes, CallContext context) {
    checkElements(request);
    return admission.admit(estimateBytes(request, metadata, bodyBytes), context);
  }

  void checkElements(InferRequest request) {
    long total = 0;
    List<Tensor> inputs = request.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      Tensor input = inputs.get(i);
      long elements = input.data().size();
      total += elements;
      if (total > maxRequestElements) {
        String problem =
            total == elements
                ? elements + " elements"
                : elements + " elements, " + total + " with the inputs before it";
        throw new InvalidInputException(
            "inputs[" + i + "] (" + ErrorMessages.excerpt(input.name()) + ")",
            problem
                + " (expected: at most "
                + maxRequestElements
                + " tensor elements in a request, server.limits.max-request-elements)");
      }
    }
  }

  /**
   * The bytes a request holds while it runs, estimated: its body, its input tensors and the output
   * tensors the model's signature gives for the request's batch size (the first dimension of its
   * first input; other variable dimensions count as 1).
   */
  static long estimateBytes(InferRequest request, ModelMetadata metadata, long bodyBytes) {
    long bytes = Math.max(0, bodyBytes);
    long batch = 1;
    for (Tensor input : request.inputs()) {
      bytes = saturatedAdd(bytes, tensorBytes(input));
    }
    if (!request.inputs().isEmpty()) {
      batch = Math.max(1, request.inputs().getFirst().batchSize());
    }
    Set<String> asked = Set.of();
    if (!request.outputs().isEmpty()) {
      asked = new HashSet<>();
      for (RequestedOutput output : request.outputs()) {
        asked.add(output.name());
      }
    }
    for (TensorSpec output : metadata.outputs()) {
      if (asked.isEmpty() || asked.contains(output.name())) {
        bytes = saturatedAdd(bytes, specBytes(output, batch));
      }
    }
    return bytes;
  }

  private static long tensorBytes(Tensor tensor) {
    if (tensor.data() instanceof TensorData.ByteStrings strings) {
      long bytes = 0;
      for (byte[] element : strings.values()) {
        bytes = saturatedAdd(bytes, element.length);
      }
      return bytes;
    }
    return saturatedMultiply(tensor.data().size(), tensor.datatype().byteSize());
  }

  private static long specBytes(TensorSpec spec, long batch) {
    long elements = 1;
    List<Long> shape = spec.shape();
    for (int i = 0; i < shape.size(); i++) {
      long dim = shape.get(i);
      elements = saturatedMultiply(elements, dim >= 0 ? dim : i == 0 ? batch : 1);
    }
    long size =
        spec.datatype() == DataType.BYTES ? BYTES_ELEMENT_ESTIMATE : spec.datatype().byteSize();
    return saturatedMultiply(elements, size);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long product = a * b;
    return high != 0 || product < 0 ? Long.MAX_VALUE : product;
  }
}
