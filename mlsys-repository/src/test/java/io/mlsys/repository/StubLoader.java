package io.mlsys.repository;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.testing.StubModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Loads {@link StubModel}s that answer with their own name and version. The model file's text
 * steers it: {@code fail} throws a ModelLoadException, {@code crash} an IllegalStateException.
 */
final class StubLoader implements ModelLoader {
  final Queue<ModelSource> sources = new ConcurrentLinkedQueue<>();
  final Queue<TrackedModel> models = new ConcurrentLinkedQueue<>();
  private volatile Consumer<ModelSource> beforeInfer = source -> {};

  /** Runs {@code hook} inside every call, before the model answers (e.g. to block on a latch). */
  StubLoader beforeInfer(Consumer<ModelSource> hook) {
    this.beforeInfer = hook;
    return this;
  }

  @Override
  public Model load(ModelSource source) {
    String text;
    try {
      text = Files.readString(source.file()).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (text.equals("fail")) {
      throw new ModelLoadException(source.name(), "corrupt model file " + source.file(), null);
    }
    if (text.equals("crash")) {
      throw new IllegalStateException("loader crashed");
    }
    sources.add(source);
    ModelMetadata metadata =
        new ModelMetadata(
            source.name(),
            source.version(),
            source.platform(),
            List.of(),
            List.of(),
            source.labels(),
            Map.of("content", text));
    StubModel stub =
        new StubModel(
            metadata,
            (request, context) -> {
              beforeInfer.accept(source);
              return new InferResponse(
                  source.name(), source.version(), request.id(), request.inputs(), Map.of());
            });
    TrackedModel model = new TrackedModel(stub, source.version());
    models.add(model);
    return model;
  }

  /** The models loaded for one version, oldest first. */
  List<TrackedModel> loaded(String version) {
    return models.stream().filter(model -> model.version.equals(version)).toList();
  }

  /** The models loaded for one version of one model, oldest first. */
  List<TrackedModel> loaded(String name, String version) {
    return models.stream()
        .filter(model -> model.version.equals(version))
        .filter(model -> model.stub.metadata().name().equals(name))
        .toList();
  }

  /** Counts closes, and notices a call after close or a close during a call. */
  static final class TrackedModel implements Model {
    final StubModel stub;
    final String version;
    final AtomicInteger closes = new AtomicInteger();
    final AtomicInteger active = new AtomicInteger();
    volatile boolean calledAfterClose;
    volatile boolean closedDuringCall;

    TrackedModel(StubModel stub, String version) {
      this.stub = stub;
      this.version = version;
    }

    @Override
    public InferResponse infer(InferRequest request, CallContext context) {
      active.incrementAndGet();
      try {
        if (closes.get() > 0) {
          calledAfterClose = true;
        }
        return stub.infer(request, context);
      } finally {
        active.decrementAndGet();
      }
    }

    @Override
    public ModelMetadata metadata() {
      return stub.metadata();
    }

    @Override
    public boolean isReady() {
      return closes.get() == 0;
    }

    @Override
    public void close() {
      if (active.get() > 0) {
        closedDuringCall = true;
      }
      closes.incrementAndGet();
      stub.close();
    }
  }
}
