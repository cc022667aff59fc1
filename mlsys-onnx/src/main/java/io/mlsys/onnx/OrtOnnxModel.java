package io.mlsys.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** An {@link OnnxModel} backed by one {@link OrtSession}, shared by all calling threads. */
final class OrtOnnxModel implements OnnxModel {
  static final int MAX_PROPERTY_CHARS = 200;

  /** Largest model file whose ZipMap scores are exposed by rewriting the graph (256 MiB). */
  static final long MAX_REWRITE_BYTES = 256L * 1024 * 1024;

  private final OnnxModelOptions options;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final OnnxSignature signature;
  private final ModelMetadata metadata;
  private final RequestValidator validator;
  private final TensorConverter converter;

  /**
   * Calls hold the read lock while they use the native session; close takes the write lock, so it
   * waits for calls in flight and no call can touch a freed session (which would crash the JVM).
   */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private volatile boolean closed;

  /**
   * A run of the native session keeps its thread for its whole length. On a virtual thread that is
   * the carrier, one of as many as the machine has cores, so a model of milliseconds under load
   * holds the carriers every other request (a refusal, a health check, a call of another model)
   * needs; measured on 2 cores, refusals of a 5 ms model's overload waited 3 to 4 ms at the median
   * for a carrier (bench/README.md, "Overload"). Runs typically longer than this therefore go to a
   * platform thread while the virtual thread waits unmounted; shorter ones (the iris SVC's 20 us)
   * stay where they are, as the hand-off would cost more than they do. A model whose runs vary
   * (small and large batches) counts as fast when its short runs are.
   */
  static final long OFF_CARRIER_NANOS = 1_000_000;

  /**
   * Platform threads for runs moved off a carrier: as many as such runs in flight, which the
   * server's and the model's in-flight limits bound; idle ones end after a minute.
   */
  private static final ExecutorService OFF_CARRIER_RUNS =
      Executors.newCachedThreadPool(
          Thread.ofPlatform().name("mlsys-onnx-run-", 0).daemon().factory());

  /**
   * Runs per window of {@link #timed}: a run's typical length is the shortest run of the last full
   * window, not a mean, since a run's wall time includes the time its thread waited for a core; on
   * a loaded machine a 20 us run often measures milliseconds, but not every one of 32 in a row.
   */
  static final int TIMING_WINDOW = 32;

  // The shortest run of the last full window (-1 before the first); the window's count and minimum
  // so far. Updated without a lock: a lost update only shifts a window by a run.
  private volatile long typicalRunNanos = -1;
  private long windowShortest = Long.MAX_VALUE;
  private int windowRuns;
  private volatile long offCarrierNanos = OFF_CARRIER_NANOS;
  private final LongAdder offCarrierRuns = new LongAdder();

  private OrtOnnxModel(
      OnnxModelOptions options,
      OrtEnvironment environment,
      OrtSession session,
      OnnxSignature signature,
      ModelMetadata metadata) {
    this.options = options;
    this.environment = environment;
    this.session = session;
    this.signature = signature;
    this.metadata = metadata;
    this.validator =
        new RequestValidator(
            options.name(), signature, options.allowNonFinite(), options.defaultOutputs());
    this.converter = new TensorConverter(options.name());
  }

  static OnnxModel load(Path file, String location, OnnxModelOptions options) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(options, "options");
    ModelFile shown = new ModelFile(file, location);
    String name = options.name();
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException(
          name, "file " + location + " does not exist (expected: an ONNX model file)", null);
    }
    if (!Files.isReadable(file)) {
      throw new ModelLoadException(name, "file " + location + " is not readable", null);
    }
    OnnxModelProto proto = readProto(name, shown);
    OrtEnvironment environment = environment(name);
    OpenedSession opened =
        openSession(environment, shown, options, scoresToExpose(name, shown, proto));
    OrtSession session = opened.session();
    try {
      OnnxSignature signature =
          OnnxSignature.of(
              name, session.getInputInfo(), session.getOutputInfo(), proto, opened.addedOutputs());
      checkDefaultOutputs(name, options, signature);
      ModelMetadata metadata =
          new ModelMetadata(
              name,
              options.version(),
              PLATFORM,
              signature.inputSpecs(),
              signature.outputSpecs(),
              options.labels(),
              properties(proto, signature, environment, opened.rewriteFailure()));
      return new OrtOnnxModel(options, environment, session, signature, metadata);
    } catch (OrtException e) {
      ModelLoadException failure =
          new ModelLoadException(
              name, "cannot read the signature of " + location + ": " + shown.detail(e), e);
      closeAfterFailure(session, failure);
      throw failure;
    } catch (RuntimeException e) {
      closeAfterFailure(session, e);
      throw e;
    }
  }

  private static OnnxModelProto readProto(String name, ModelFile file) {
    try {
      return OnnxModelProto.read(file.path());
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelLoadException(name, "cannot read " + file.shown() + ": " + file.detail(e), e);
    }
  }

  /**
   * A model file and how messages name it. Clients read load failures (repository index, errors),
   * so they name the file as the client knows it, never by the server's own path, also where a
   * message of ONNX Runtime or of the JDK quotes the path.
   */
  private record ModelFile(Path path, String shown) {
    String detail(Exception e) {
      String message = String.valueOf(e.getMessage());
      String absolute = path.toAbsolutePath().toString();
      return message.replace(absolute, shown).replace(path.toString(), shown);
    }
  }

  /**
   * The ZipMap inputs (FLOAT {@code [N, C]} scores) to add as graph outputs, so that a probability
   * output is fetched as one tensor instead of N native maps copied into N Java maps: for a batch
   * of 64 iris rows that copy cost about twice as much as running the model. Skipped for models
   * whose weights live in external files (a session made from bytes cannot find them) and for files
   * above {@value #MAX_REWRITE_BYTES} bytes (the rewrite holds the model on the heap once); those
   * serve ZipMap outputs through the maps.
   */
  private static Set<String> scoresToExpose(String name, ModelFile file, OnnxModelProto proto) {
    if (proto.externalData() || proto.zipMaps().isEmpty()) {
      return Set.of();
    }
    try {
      if (Files.size(file.path()) > MAX_REWRITE_BYTES) {
        return Set.of();
      }
    } catch (IOException e) {
      throw new ModelLoadException(name, "cannot read " + file.shown() + ": " + file.detail(e), e);
    }
    Set<String> scores = new LinkedHashSet<>();
    for (OnnxModelProto.ZipMap zipMap : proto.zipMaps().values()) {
      if (!zipMap.classes().isEmpty() && !proto.outputs().contains(zipMap.input())) {
        scores.add(zipMap.input());
      }
    }
    return scores;
  }

  /**
   * ONNX Runtime allows one environment per process and hands the same instance to every caller;
   * all models share it, and it is never closed because other models may still use it.
   */
  private static OrtEnvironment environment(String name) {
    try {
      return OrtEnvironment.getEnvironment();
    } catch (RuntimeException e) {
      throw new ModelLoadException(name, "ONNX Runtime is not available: " + e.getMessage(), e);
    }
  }

  /**
   * A session and the graph outputs added to its model.
   *
   * @param rewriteFailure why the session with added outputs could not be created (the session is
   *     then made from the file as it is); empty if it could
   */
  private record OpenedSession(
      OrtSession session, Set<String> addedOutputs, String rewriteFailure) {}

  private static OpenedSession openSession(
      OrtEnvironment environment,
      ModelFile file,
      OnnxModelOptions options,
      Set<String> addOutputs) {
    try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
      sessionOptions.setIntraOpNumThreads(options.intraOpThreads());
      // Concurrency comes from callers sharing the session, not from parallel graph branches.
      sessionOptions.setInterOpNumThreads(1);
      sessionOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      String rewriteFailure = "";
      if (!addOutputs.isEmpty()) {
        try {
          byte[] model =
              OnnxModelProto.withFloatOutputs(Files.readAllBytes(file.path()), addOutputs);
          return new OpenedSession(
              environment.createSession(model, sessionOptions), addOutputs, "");
        } catch (OrtException e) {
          // The rewrite must never make a loadable model unloadable: fall back to the file as it
          // is and serve its ZipMap outputs through the maps; the reason goes to the properties.
          rewriteFailure = file.detail(e);
        }
      }
      return new OpenedSession(
          environment.createSession(file.path().toString(), sessionOptions),
          Set.of(),
          rewriteFailure);
    } catch (OrtException | IOException e) {
      throw new ModelLoadException(
          options.name(), "ONNX Runtime cannot load " + file.shown() + ": " + file.detail(e), e);
    }
  }

  private static void checkDefaultOutputs(
      String name, OnnxModelOptions options, OnnxSignature signature) {
    List<String> defaults = options.defaultOutputs();
    for (int i = 0; i < defaults.size(); i++) {
      if (!signature.outputs().containsKey(defaults.get(i))) {
        throw new ModelLoadException(
            name,
            "defaultOutputs["
                + i
                + "]: '"
                + defaults.get(i)
                + "' is not an output of the model (expected: one of "
                + String.join(", ", signature.outputs().keySet())
                + ")",
            null);
      }
    }
  }

  private static Map<String, String> properties(
      OnnxModelProto proto,
      OnnxSignature signature,
      OrtEnvironment environment,
      String rewriteFailure) {
    Map<String, String> properties = new LinkedHashMap<>();
    if (proto.irVersion() > 0) {
      properties.put("onnx.ir_version", Long.toString(proto.irVersion()));
    }
    putIfPresent(properties, "onnx.producer_name", proto.producerName());
    putIfPresent(properties, "onnx.producer_version", proto.producerVersion());
    putIfPresent(properties, "onnx.domain", proto.domain());
    proto
        .modelVersion()
        .ifPresent(version -> properties.put("onnx.model_version", Long.toString(version)));
    putIfPresent(properties, "onnx.doc_string", capped(proto.docString()));
    putIfPresent(properties, "onnx.graph_name", proto.graphName());
    proto
        .opsets()
        .forEach((domain, version) -> properties.put("onnx.opset." + domain, version.toString()));
    proto
        .metadataProps()
        .forEach((key, value) -> properties.put("onnx.metadata." + key, capped(value)));
    if (!signature.unsupportedOutputs().isEmpty()) {
      properties.put("onnx.unsupported_outputs", String.join("; ", signature.unsupportedOutputs()));
    }
    putIfPresent(properties, "onnxruntime.version", environment.getVersion());
    putIfPresent(properties, "mlsys.zipmap_scores_failure", rewriteFailure);
    return properties;
  }

  /**
   * A text from the file as a metadata property, at most {@value #MAX_PROPERTY_CHARS} characters:
   * exporters put whole provenance records there (Tribuo's is kilobytes, with local file paths),
   * which has no place in every metadata answer. Lineage comes from the registry instead.
   */
  static String capped(String value) {
    if (value == null || value.length() <= MAX_PROPERTY_CHARS) {
      return value;
    }
    return value.substring(0, MAX_PROPERTY_CHARS) + "... (" + value.length() + " characters)";
  }

  private static void putIfPresent(Map<String, String> properties, String key, String value) {
    if (value != null && !value.isEmpty()) {
      properties.put(key, value);
    }
  }

  private static void closeAfterFailure(OrtSession session, Exception failure) {
    try {
      session.close();
    } catch (OrtException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /** ONNX Runtime reads the request only. */
  @Override
  public boolean readsGraphPath() {
    return false;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
    if (closed) {
      throw notReady();
    }
    RequestValidator.OutputPlan plan = validator.check(request);
    context.checkDeadline(options.name());
    Lock lock = lifecycle.readLock();
    lock.lock();
    try {
      if (closed) {
        throw notReady();
      }
      if (Thread.currentThread().isVirtual() && typicalRunNanos > offCarrierNanos) {
        return runOffCarrier(request, plan);
      }
      return run(request, plan);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@link #run} on a platform thread, waited for without holding the carrier. The wait ignores
   * interrupts (and sets the flag again after): the calling thread holds the lifecycle lock, which
   * must outlast the native run.
   */
  private InferResponse runOffCarrier(InferRequest request, RequestValidator.OutputPlan plan) {
    offCarrierRuns.increment();
    Future<InferResponse> running = OFF_CARRIER_RUNS.submit(() -> run(request, plan));
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return running.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException failure) {
            throw failure;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new ModelExecutionException(options.name(), String.valueOf(e.getCause()), e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs longer than {@code nanos} (typically) leave a virtual thread's carrier; for tests. */
  void offCarrierAbove(long nanos) {
    offCarrierNanos = nanos;
  }

  /** Runs that went to a platform thread so far; for tests. */
  long offCarrierRuns() {
    return offCarrierRuns.sum();
  }

  /** The typical run length now, -1 before a full window; for tests. */
  long typicalRunNanos() {
    return typicalRunNanos;
  }

  /** Counts one run's wall time (package-private for tests). */
  void timed(long nanos) {
    if (nanos < windowShortest) {
      windowShortest = nanos;
    }
    if (++windowRuns >= TIMING_WINDOW) {
      typicalRunNanos = windowShortest;
      windowShortest = Long.MAX_VALUE;
      windowRuns = 0;
    }
  }

  private InferResponse run(InferRequest request, RequestValidator.OutputPlan plan) {
    Map<String, OnnxTensor> feeds = new HashMap<>(request.inputs().size() * 2);
    List<ByteBuffer> borrowed = new ArrayList<>(request.inputs().size());
    try {
      for (Tensor input : request.inputs()) {
        feeds.put(
            input.name(), TensorConverter.toOrt(environment, input, InputBuffers.SHARED, borrowed));
      }
      long started = System.nanoTime();
      try (OrtSession.Result result = session.run(feeds, plan.fetches())) {
        timed(System.nanoTime() - started);
        List<Tensor> outputs = new ArrayList<>(plan.names().size());
        for (String name : plan.names()) {
          OnnxSignature.OutputSlot slot = signature.outputs().get(name);
          OnnxValue value =
              result
                  .get(slot.fetch())
                  .orElseThrow(
                      () ->
                          new ModelExecutionException(
                              options.name(), "output '" + name + "' is missing", null));
          outputs.add(converter.fromOrt(name, value, slot));
        }
        return new InferResponse(
            options.name(), options.version(), request.id(), outputs, Map.of());
      }
    } catch (MlsysException e) {
      throw e;
    } catch (OrtException | RuntimeException e) {
      throw new ModelExecutionException(options.name(), String.valueOf(e.getMessage()), e);
    } finally {
      OnnxValue.close(feeds);
      // Closed tensors no longer read their buffers.
      for (ByteBuffer buffer : borrowed) {
        InputBuffers.SHARED.release(buffer);
      }
    }
  }

  private ModelNotReadyException notReady() {
    return new ModelNotReadyException(options.name(), "it was closed");
  }

  /** The signature as served, including how each output is fetched; for tests in this package. */
  OnnxSignature signature() {
    return signature;
  }

  @Override
  public ModelMetadata metadata() {
    return metadata;
  }

  @Override
  public OnnxModelOptions options() {
    return options;
  }

  @Override
  public boolean isReady() {
    return !closed;
  }

  /** Waits for calls in flight, then frees the session. Later calls fail as not ready. */
  @Override
  public void close() {
    Lock lock = lifecycle.writeLock();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(
          "model '" + options.name() + "': closing the ONNX Runtime session failed", e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "OnnxModel[" + options.name() + ", version " + options.version() + "]";
  }
}
