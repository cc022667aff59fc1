package io.mlsys.bench;

import com.google.protobuf.ByteString;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import inference.GrpcPredictV2.InferTensorContents;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop gRPC load generator for {@code inference.GRPCInferenceService/ModelInfer}: N
 * concurrent streams spread over a few channels (one HTTP/2 connection each), each sending its next
 * one-row iris request as soon as the previous answer arrives, for a warm-up and then a measured
 * duration; prints requests per second and the latency percentiles (HdrHistogram). Bounded in time;
 * stops by itself. Only for servers on this machine.
 *
 * <pre>
 * java -cp ... io.mlsys.bench.GrpcLoadClient [--target 127.0.0.1:8081] [--model iris]
 *     [--clients 32] [--channels 4] [--duration 30s] [--warmup 10s] [--raw] [--label-only]
 * </pre>
 *
 * The calls run on the channels' event loops (direct executor), so the client costs as little CPU
 * as it can: it shares the machine with the server.
 */
public final class GrpcLoadClient {
  /** Longest run accepted: load tests here are bounded. */
  static final Duration MAX_DURATION = Duration.ofMinutes(10);

  /** The iris row every request sends (the fixture README's first row). */
  static final float[] ROW = {5.1f, 3.5f, 1.4f, 0.2f};

  /** Settings of one run. */
  record Options(
      String host,
      int port,
      String model,
      int clients,
      int channels,
      Duration duration,
      Duration warmup,
      boolean raw,
      boolean labelOnly) {

    Options {
      if (clients < 1 || channels < 1 || channels > clients) {
        throw new IllegalArgumentException(
            "clients: "
                + clients
                + ", channels: "
                + channels
                + " (expected: 1 <= channels <= clients)");
      }
      if (duration.compareTo(MAX_DURATION) > 0 || warmup.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(
            "duration/warmup: "
                + duration
                + "/"
                + warmup
                + " (expected: at most "
                + MAX_DURATION
                + ")");
      }
    }

    static Options parse(String... args) {
      String target = "127.0.0.1:8081";
      String model = "iris";
      int clients = 32;
      int channels = 4;
      Duration duration = Duration.ofSeconds(30);
      Duration warmup = Duration.ofSeconds(10);
      boolean raw = false;
      boolean labelOnly = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--target" -> target = value(args, ++i, arg);
          case "--model" -> model = value(args, ++i, arg);
          case "--clients" -> clients = Integer.parseInt(value(args, ++i, arg));
          case "--channels" -> channels = Integer.parseInt(value(args, ++i, arg));
          case "--duration" -> duration = duration(value(args, ++i, arg));
          case "--warmup" -> warmup = duration(value(args, ++i, arg));
          case "--raw" -> raw = true;
          case "--label-only" -> labelOnly = true;
          default ->
              throw new IllegalArgumentException(
                  arg
                      + " (expected: --target HOST:PORT, --model NAME, --clients N, --channels N,"
                      + " --duration 30s, --warmup 10s, --raw, --label-only)");
        }
      }
      int colon = target.lastIndexOf(':');
      if (colon < 1) {
        throw new IllegalArgumentException("--target " + target + " (expected: HOST:PORT)");
      }
      return new Options(
          target.substring(0, colon),
          Integer.parseInt(target.substring(colon + 1)),
          model,
          clients,
          channels,
          duration,
          warmup,
          raw,
          labelOnly);
    }

    private static String value(String[] args, int i, String flag) {
      if (i >= args.length) {
        throw new IllegalArgumentException(flag + ": missing value");
      }
      return args[i];
    }

    /** {@code 30s}, {@code 500ms} or {@code 2m}. */
    static Duration duration(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      throw new IllegalArgumentException(text + " (expected: a duration such as 30s, 500ms, 2m)");
    }
  }

  /** What one measured run saw. */
  record Result(
      long requests, long errors, double seconds, Histogram latencyNanos, String firstError) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    String report() {
      return String.format(
          Locale.ROOT,
          "requests: %d, errors: %d%nthroughput: %.0f req/s%np50: %.3f ms%np99: %.3f ms%np99.9: %.3f ms%n%s",
          requests,
          errors,
          requestsPerSecond(),
          latencyNanos.getValueAtPercentile(50) / 1e6,
          latencyNanos.getValueAtPercentile(99) / 1e6,
          latencyNanos.getValueAtPercentile(99.9) / 1e6,
          firstError == null ? "" : "first error: " + firstError + System.lineSeparator());
    }
  }

  private GrpcLoadClient() {}

  public static void main(String[] args) throws InterruptedException {
    Options options = Options.parse(args);
    System.out.printf(
        Locale.ROOT,
        "gRPC ModelInfer %s:%d model %s, %d clients over %d channels, %s contents%s;"
            + " warm-up %s, measuring %s%n",
        options.host(),
        options.port(),
        options.model(),
        options.clients(),
        options.channels(),
        options.raw() ? "raw" : "typed",
        options.labelOnly() ? ", output_label only" : "",
        options.warmup(),
        options.duration());
    Result result = run(options);
    System.out.print(result.report());
    if (result.requests() == 0) {
      System.exit(1);
    }
  }

  /** The request every stream sends. */
  static ModelInferRequest request(String model, boolean raw, boolean labelOnly) {
    ModelInferRequest.InferInputTensor.Builder input =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName("float_input")
            .setDatatype("FP32")
            .addShape(1)
            .addShape(ROW.length);
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder().setModelName(model);
    if (raw) {
      ByteBuffer bytes =
          ByteBuffer.allocate(ROW.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(ROW);
      request.addRawInputContents(ByteString.copyFrom(bytes.array()));
    } else {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (float value : ROW) {
        contents.addFp32Contents(value);
      }
      input.setContents(contents);
    }
    request.addInputs(input);
    if (labelOnly) {
      request.addOutputs(
          ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output_label"));
    }
    return request.build();
  }

  /** Runs the warm-up and the measurement; returns the measurement. */
  static Result run(Options options) throws InterruptedException {
    ModelInferRequest request = request(options.model(), options.raw(), options.labelOnly());
    List<ManagedChannel> channels = new ArrayList<>(options.channels());
    for (int i = 0; i < options.channels(); i++) {
      channels.add(
          NettyChannelBuilder.forAddress(options.host(), options.port())
              .usePlaintext()
              .directExecutor()
              .build());
    }
    Load load = new Load(request);
    try {
      for (int i = 0; i < options.clients(); i++) {
        load.startStream(GRPCInferenceServiceGrpc.newStub(channels.get(i % channels.size())));
      }
      TimeUnit.NANOSECONDS.sleep(options.warmup().toNanos());
      load.reset();
      long start = System.nanoTime();
      TimeUnit.NANOSECONDS.sleep(options.duration().toNanos());
      Histogram latency = load.recorder.getIntervalHistogram();
      long requests = load.requests.get();
      long errors = load.errors.get();
      double seconds = (System.nanoTime() - start) / 1e9;
      load.stop(Duration.ofSeconds(30));
      return new Result(requests, errors, seconds, latency, load.firstError.get());
    } finally {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow();
        channel.awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The streams' shared state: counts, latencies, and whether to go on. */
  private static final class Load {
    private final ModelInferRequest request;
    private final Recorder recorder = new Recorder(3);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean running = true;
    private final AtomicLong streams = new AtomicLong();
    private final CountDownLatch allStopped = new CountDownLatch(1);

    Load(ModelInferRequest request) {
      this.request = request;
    }

    void startStream(GRPCInferenceServiceStub stub) {
      streams.incrementAndGet();
      send(stub);
    }

    void reset() {
      recorder.reset();
      requests.set(0);
      errors.set(0);
    }

    /** Lets the calls in flight finish, waiting up to {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException {
      running = false;
      allStopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void send(GRPCInferenceServiceStub stub) {
      long start = System.nanoTime();
      stub.modelInfer(
          request,
          new StreamObserver<>() {
            @Override
            public void onNext(ModelInferResponse response) {
              recorder.recordValue(System.nanoTime() - start);
              requests.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
              errors.incrementAndGet();
              firstError.compareAndSet(null, t.toString());
              next(stub);
            }

            @Override
            public void onCompleted() {
              next(stub);
            }
          });
    }

    private void next(GRPCInferenceServiceStub stub) {
      if (running) {
        send(stub);
      } else if (streams.decrementAndGet() == 0) {
        allStopped.countDown();
      }
    }
  }
}
