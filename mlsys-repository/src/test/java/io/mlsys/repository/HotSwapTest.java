package io.mlsys.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Predictor;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloads never fail a call, and a replaced model is closed once, after its last call. */
class HotSwapTest {
  private static final CallContext CONTEXT =
      CallContext.of(ManualClock.startingAt("2026-01-01T00:00:00Z"));
  private static final int CALLERS = 8;
  private static final int RELOADS = 20;

  @TempDir Path models;

  private void version(int version) throws IOException {
    Path folder = Files.createDirectories(models.resolve("iris").resolve(String.valueOf(version)));
    Files.writeString(folder.resolve("model.onnx"), "v" + version);
  }

  private ModelRepository repository(StubLoader loader) {
    ModelsConfig config =
        ModelsConfig.defaults().withModelRepository(ModelRepositoryConfig.of(models));
    return ModelRepository.create(config, loader, RepositoryListener.NONE, Map.of());
  }

  @Test
  void anInFlightCallFinishesOnTheOldVersionWhichClosesAfterIt() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    StubLoader loader =
        new StubLoader()
            .beforeInfer(
                source -> {
                  if (source.version().equals("1")) {
                    entered.countDown();
                    awaitOrFail(proceed);
                  }
                });
    version(1);
    try (ModelRepository repository = repository(loader)) {
      repository.loadAll();
      Predictor predictor = repository.predictor("iris", null);
      Queue<Object> outcome = new ConcurrentLinkedQueue<>();
      Thread caller =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      outcome.add(predictor.infer(InferRequest.of(), CONTEXT).modelVersion());
                    } catch (RuntimeException e) {
                      outcome.add(e);
                    }
                  });
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

      version(2);
      repository.load("iris");

      StubLoader.TrackedModel old = loader.loaded("1").getFirst();
      assertThat(old.closes).as("closed while a call is in flight").hasValue(0);
      assertThat(predictor.infer(InferRequest.of(), CONTEXT).modelVersion()).isEqualTo("2");

      proceed.countDown();
      caller.join();

      assertThat(outcome).containsExactly("1");
      assertThat(old.closes).hasValue(1);
      assertThat(old.closedDuringCall).isFalse();
    }
  }

  @Test
  void twentyReloadsUnderEightConcurrentCallersFailNoCall() throws Exception {
    StubLoader loader = new StubLoader();
    version(1);
    try (ModelRepository repository = repository(loader)) {
      repository.loadAll();
      Predictor predictor = repository.predictor("iris", null);
      Map<String, CountDownLatch> seenBy = new ConcurrentHashMap<>();
      for (int version = 1; version <= RELOADS + 1; version++) {
        seenBy.put(String.valueOf(version), new CountDownLatch(CALLERS));
      }
      AtomicBoolean stop = new AtomicBoolean();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      List<Thread> callers = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        // Platform threads: busy virtual threads are never preempted, so on a small machine a few
        // of them could starve the others and the test would measure the scheduler, not the swap.
        callers.add(
            Thread.ofPlatform()
                .daemon()
                .start(
                    () -> {
                      Set<String> seen = new HashSet<>();
                      while (!stop.get()) {
                        try {
                          String version =
                              predictor.infer(InferRequest.of(), CONTEXT).modelVersion();
                          if (seen.add(version)) {
                            seenBy.get(version).countDown();
                          }
                        } catch (Throwable e) {
                          failures.add(e);
                          return;
                        }
                      }
                    }));
      }

      for (int version = 2; version <= RELOADS + 1; version++) {
        // Every caller is running on the current version before the next swap.
        assertThat(seenBy.get(String.valueOf(version - 1)).await(30, TimeUnit.SECONDS))
            .as("every caller answered by version %s; failures: %s", version - 1, failures)
            .isTrue();
        version(version);
        repository.load("iris");
      }
      assertThat(seenBy.get(String.valueOf(RELOADS + 1)).await(30, TimeUnit.SECONDS)).isTrue();
      stop.set(true);
      for (Thread caller : callers) {
        caller.join();
      }

      assertThat(failures).isEmpty();
      List<StubLoader.TrackedModel> loaded = List.copyOf(loader.models);
      assertThat(loaded).hasSize(RELOADS + 1);
      for (StubLoader.TrackedModel model : loaded.subList(0, RELOADS)) {
        assertThat(model.closes).as("version %s closes", model.version).hasValue(1);
        assertThat(model.calledAfterClose)
            .as("version %s used after close", model.version)
            .isFalse();
        assertThat(model.closedDuringCall)
            .as("version %s closed mid-call", model.version)
            .isFalse();
        assertThat(model.stub.calls()).as("version %s calls", model.version).isPositive();
      }
      assertThat(loaded.getLast().closes).hasValue(0);
      assertThat(repository.versions("iris")).containsExactly(String.valueOf(RELOADS + 1));
    }
  }

  private static void awaitOrFail(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the call");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
