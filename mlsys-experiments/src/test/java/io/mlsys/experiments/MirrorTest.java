package io.mlsys.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Tensor;
import io.mlsys.graph.NodeConfig;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorTest {
  @TempDir Path dir;
  private Lab lab;

  @BeforeEach
  void start() {
    lab = new Lab(StoreConfig.defaults(), dir);
    // The primary's label is the input's value mod 3, its latency 100us on the lab's ticker.
    lab.model(
        "primary",
        (request, context) -> {
          lab.nanos.addAndGet(100_000);
          long x = request.inputs().getFirst().toLongArray()[0];
          return label("primary", request, x % 3);
        });
  }

  @AfterEach
  void stop() {
    lab.close();
  }

  private static InferResponse label(String model, InferRequest request, long label) {
    return new InferResponse(
        model,
        "1",
        request.id(),
        List.of(Tensor.ofLongs("label", new long[] {1}, label)),
        Map.of());
  }

  private static InferRequest x(long x) {
    return InferRequest.of(Tensor.ofLongs("x", new long[] {1, 1}, x));
  }

  private static MirrorOptions mirror(
      double share, int queueCapacity, MirrorOptions.Verdict verdict, String... candidates) {
    Map<String, NodeConfig> nodes = new LinkedHashMap<>();
    for (String candidate : candidates) {
      nodes.put(candidate, Lab.model(candidate));
    }
    return new MirrorOptions(
        Lab.model("primary"), nodes, share, null, null, null, queueCapacity, 1, null, verdict);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> candidateReport(String candidate) throws Exception {
    Map<String, Object> report = lab.experiments.report("shadow");
    return (Map<String, Object>) ((Map<String, Object>) report.get("candidates")).get(candidate);
  }

  /** Waits until the mirror's workers handed {@code pairs} pairs to the experiments. */
  private void awaitPairs(String candidate, int pairs) throws Exception {
    for (int i = 0; i < 500; i++) {
      lab.experiments.flush();
      if (((Number) candidateReport(candidate).get("pairs")).intValue() >= pairs) {
        return;
      }
      Thread.onSpinWait();
      TimeUnit.MILLISECONDS.sleep(10); // waits for the worker threads, not for time to pass
    }
    throw new AssertionError("the candidate's pairs never arrived");
  }

  @Test
  void aCandidateThatDisagreesOnAKnownShareIsReportedWithinItsInterval() throws Exception {
    // The candidate flips the label of 10% of the inputs at random.
    SplittableRandom flips = new SplittableRandom(7);
    lab.model(
        "forest",
        (request, context) -> {
          long x = request.inputs().getFirst().toLongArray()[0];
          boolean flip;
          synchronized (flips) {
            flip = flips.nextDouble() < 0.10;
          }
          return label("forest", request, flip ? (x + 1) % 3 : x % 3);
        });
    lab.graph("shadow", mirror(1.0, 10_000, null, "forest"));

    for (int i = 0; i < 2000; i++) {
      assertThat(lab.infer("shadow", x(i), Map.of()).output("label").orElseThrow().longs())
          .containsExactly(i % 3);
    }
    awaitPairs("forest", 2000);

    Map<String, Object> forest = candidateReport("forest");
    double rate = (Double) forest.get("agreement_rate");
    @SuppressWarnings("unchecked")
    List<Double> interval = (List<Double>) forest.get("agreement_interval");
    assertThat(forest).containsEntry("compared", 2000L);
    assertThat(interval.get(0)).isLessThanOrEqualTo(0.90);
    assertThat(interval.get(1)).isGreaterThanOrEqualTo(0.90);
    assertThat(rate).isBetween(0.0, 1.0);
    // Below the default 0.95 with the whole interval: not ready.
    assertThat(forest).containsEntry("verdict", "not_ready");
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Long>> confusion =
        (Map<String, Map<String, Long>>) forest.get("confusion");
    assertThat(confusion.get("0").get("0") + confusion.get("0").getOrDefault("1", 0L))
        .isEqualTo(667L);
  }

  @Test
  void anAgreeingCandidateIsReadyToPromoteAndTooFewPairsAreNotEnoughData() throws Exception {
    lab.model(
        "twin",
        (request, context) -> {
          lab.nanos.addAndGet(300_000);
          return label("twin", request, request.inputs().getFirst().toLongArray()[0] % 3);
        });
    lab.graph("shadow", mirror(1.0, 10_000, null, "twin"));

    for (int i = 0; i < 50; i++) {
      lab.infer("shadow", x(i), Map.of());
    }
    awaitPairs("twin", 50);
    assertThat(candidateReport("twin")).containsEntry("verdict", "not_enough_data");
    for (int i = 50; i < 200; i++) {
      lab.infer("shadow", x(i), Map.of());
    }
    awaitPairs("twin", 200);

    Map<String, Object> twin = candidateReport("twin");
    assertThat(twin)
        .containsEntry("agreement_rate", 1.0)
        .containsEntry("verdict", "ready_to_promote");
    @SuppressWarnings("unchecked")
    Map<String, Object> latency = (Map<String, Object>) twin.get("latency");
    assertThat(latency).containsEntry("primary_p50_micros", 100.0);
  }

  @Test
  void aSlowCandidateNeitherDelaysNorChangesThePrimaryAndIsShedWhenItsQueueIsFull()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    lab.model(
        "slow",
        (request, context) -> {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return label("slow", request, 2);
        });
    // One worker and a queue of 1: the first call blocks the worker, the second waits, the rest
    // are shed.
    lab.graph("shadow", mirror(1.0, 1, null, "slow"));

    lab.infer("shadow", x(0), Map.of());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 1; i <= 20; i++) {
      // Each call returns at once with the primary's answer while the candidate is stuck.
      InferResponse answer = lab.infer("shadow", x(i), Map.of());
      assertThat(answer.output("label").orElseThrow().longs()).containsExactly(i % 3);
      assertThat(answer.parameters()).isEmpty();
    }
    double shed =
        lab.registry
            .get("mlsys_experiment_mirror_calls_total")
            .tag("outcome", "shed")
            .counter()
            .count();
    assertThat(shed).isEqualTo(19);
    release.countDown();
    awaitPairs("slow", 2);

    Map<String, Object> slow = candidateReport("slow");
    assertThat(slow).containsEntry("pairs", 2);
  }

  @Test
  void aFailingCandidateNeverFailsThePrimaryAndItsErrorsAreReported() throws Exception {
    lab.model(
        "broken",
        (request, context) -> {
          throw new ModelExecutionException("broken", "out of memory", null);
        });
    lab.graph("shadow", mirror(1.0, 10_000, new MirrorOptions.Verdict(10, null, null), "broken"));

    for (int i = 0; i < 30; i++) {
      assertThat(lab.infer("shadow", x(i), Map.of()).output("label").orElseThrow().longs())
          .containsExactly(i % 3);
    }
    awaitPairs("broken", 30);

    Map<String, Object> broken = candidateReport("broken");
    @SuppressWarnings("unchecked")
    Map<String, Object> errors = (Map<String, Object>) broken.get("errors");
    assertThat(errors)
        .containsEntry("candidate_errors", 30L)
        .containsEntry("error_rate_delta", 1.0);
    assertThat(broken).containsEntry("verdict", "not_ready");
  }

  @Test
  void thePrimarysFailureReachesTheCallerUnchanged() {
    lab.model(
        "primary",
        (request, context) -> {
          throw new ModelExecutionException("primary", "bad row", null);
        });
    lab.model("forest", (request, context) -> label("forest", request, 0));
    lab.graph("shadow", mirror(1.0, 10, null, "forest"));

    assertThatThrownBy(() -> lab.infer("shadow", x(1), Map.of()))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining("bad row");
  }

  @Test
  void aShareMirrorsThatShareOfCallsAndAStoppedMirrorNone() throws Exception {
    lab.model("forest", (request, context) -> label("forest", request, 0));
    lab.graph("shadow", mirror(0.25, 10_000, null, "forest"));

    for (int i = 0; i < 2000; i++) {
      lab.infer("shadow", x(i), Map.of());
    }
    double mirrored =
        lab.registry
            .get("mlsys_experiment_mirror_calls_total")
            .tag("outcome", "mirrored")
            .counter()
            .count();
    // Binomial(2000, 0.25): sd 19.4.
    assertThat(mirrored).isBetween(500 - 97.0, 500 + 97.0);

    lab.experiments.changeState("shadow", ExperimentState.STOPPED, null, "test");
    for (int i = 0; i < 200; i++) {
      lab.infer("shadow", x(i), Map.of());
    }
    assertThat(
            lab.registry
                .get("mlsys_experiment_mirror_calls_total")
                .tag("outcome", "mirrored")
                .counter()
                .count())
        .isEqualTo(mirrored);
  }
}
