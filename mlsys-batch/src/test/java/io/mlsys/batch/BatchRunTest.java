package io.mlsys.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Predictor;
import io.mlsys.core.Tensor;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch runs of the iris SVC over the fixtures' 12,000 rows, fresh, with bad rows and resumed. */
class BatchRunTest {
  private static final int ROWS = 12_000;
  private static OnnxModel iris;
  private static Path randIris;

  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:00:00Z");

  @TempDir Path dir;

  @BeforeAll
  static void load() {
    iris =
        OnnxModel.load(
            Fixtures.require("sklearn-iris/iris_svc.onnx"), OnnxModelOptions.defaults("iris", "1"));
    randIris = Fixtures.require("sklearn-iris/rand_iris.csv");
  }

  @AfterAll
  static void close() {
    iris.close();
  }

  private BatchRun run(Predictor predictor, BatchOptions options) {
    return new BatchRun(predictor, iris.metadata(), options, clock);
  }

  private static BatchOptions chunks(int chunkRows, int batchRows) {
    return BatchOptions.defaults().withChunkRows(chunkRows).withBatchRows(batchRows);
  }

  /** The labels the model gives the file's rows, all in one call. */
  private static List<String> directLabels(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    float[] values = new float[lines.size() * 4];
    int i = 0;
    for (String line : lines) {
      for (String field : line.split(",")) {
        values[i++] = Float.parseFloat(field);
      }
    }
    InferResponse response =
        iris.infer(
            InferRequest.of(Tensor.ofFloats("float_input", new long[] {lines.size(), 4}, values)),
            CallContext.of(java.time.Clock.systemUTC()));
    List<String> labels = new ArrayList<>();
    for (long label : response.output("output_label").orElseThrow().toLongArray()) {
      labels.add(Long.toString(label));
    }
    return labels;
  }

  @Test
  void predictsEveryRowInChunksWithItsRowNumberFirst() throws Exception {
    Path output = dir.resolve("predictions.csv");

    BatchReport report = run(iris, chunks(1000, 256)).run(randIris, output, BatchProgress.NONE);

    List<String> lines = Files.readAllLines(output);
    assertThat(report.rows()).isEqualTo(ROWS);
    assertThat(report.predicted()).isEqualTo(ROWS);
    assertThat(report.rejected()).isZero();
    assertThat(lines.getFirst())
        .isEqualTo(
            "row,output_label,output_probability[0],output_probability[1],"
                + "output_probability[2]");
    assertThat(lines).hasSize(ROWS + 1);
    List<String> labels = directLabels(randIris);
    for (int r = 1; r <= ROWS; r++) {
      String[] fields = lines.get(r).split(",");
      assertThat(fields[0]).isEqualTo(Integer.toString(r));
      assertThat(fields[1]).as("row %d", r).isEqualTo(labels.get(r - 1));
    }
    assertThat(Checkpoint.fileOf(output)).doesNotExist();
    assertThat(BatchRun.rejectsOf(output)).doesNotExist();
  }

  @Test
  void aHeaderLineIsRecognizedAndBadRowsGoToTheRejectFileWithTheirReason() throws Exception {
    Path input = dir.resolve("rows.csv");
    Files.writeString(
        input,
        "sepal_length,sepal_width,petal_length,petal_width\n"
            + "5.1,3.5,1.4,0.2\n"
            + "5.1,abc,1.4,0.2\n"
            + "6.7,3.0,5.2\n"
            + "\n"
            + "6.7,3.0,5.2,2.3\n");
    Path output = dir.resolve("out.csv");

    BatchReport report = run(iris, chunks(2, 2)).run(input, output, BatchProgress.NONE);

    assertThat(report.predicted()).isEqualTo(2);
    assertThat(report.rejected()).isEqualTo(2);
    List<String> lines = Files.readAllLines(output);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith("1,0,");
    assertThat(lines.get(2)).startsWith("4,2,");
    List<String> rejects = Files.readAllLines(BatchRun.rejectsOf(output));
    assertThat(rejects).hasSize(2);
    assertThat(rejects.get(0))
        .isEqualTo(
            "2,\"column 2 is 'abc' (expected: a number for input float_input)\","
                + "\"5.1,abc,1.4,0.2\"");
    assertThat(rejects.get(1)).startsWith("3,\"has 3 fields (expected: 4, float_input 4 x FP32)\"");
  }

  @Test
  void underTheRowsPolicyOnlyTheRowsTheModelFailsOnAreRejected() throws Exception {
    Path input = dir.resolve("rows.csv");
    Files.writeString(input, "5.1,3.5,1.4,0.2\n99,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
    Predictor refusesNinetyNine =
        (request, context) -> {
          for (float value : request.inputs().getFirst().floats()) {
            if (value == 99f) {
              throw new ModelExecutionException("iris", "a value of 99", null);
            }
          }
          return iris.infer(request, context);
        };
    Path output = dir.resolve("out.csv");

    BatchReport report =
        run(refusesNinetyNine, chunks(10, 10).withFailures(FailurePolicy.ROWS))
            .run(input, output, BatchProgress.NONE);

    assertThat(report.predicted()).isEqualTo(2);
    assertThat(report.rejected()).isEqualTo(1);
    assertThat(Files.readAllLines(output))
        .extracting(line -> line.split(",")[0])
        .containsExactly("row", "1", "3");
    assertThat(Files.readString(BatchRun.rejectsOf(output))).startsWith("2,").contains("99");
  }

  @Test
  void aRunThatStoppedResumesWithTheSameCommandAndEveryRowOnce() throws Exception {
    Path output = dir.resolve("predictions.csv");
    AtomicInteger calls = new AtomicInteger();
    Predictor failsOnTheSeventhCall =
        (request, context) -> {
          if (calls.incrementAndGet() == 7) {
            throw new ModelExecutionException("iris", "the GPU fell off the bus", null);
          }
          return iris.infer(request, context);
        };
    BatchOptions options = chunks(1000, 250).withFailures(FailurePolicy.NONE);
    assertThatThrownBy(
            () -> run(failsOnTheSeventhCall, options).run(randIris, output, BatchProgress.NONE))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("rows 1501 to 1750")
        .hasMessageContaining("the same command resumes it");
    assertThat(Checkpoint.read(Checkpoint.fileOf(output)).rowsDone()).isEqualTo(1000);
    // A chunk written after the last checkpoint (a kill between the two) is cut off again.
    Files.writeString(output, "1001,half a chunk\n", StandardOpenOption.APPEND);

    List<Double> fractions = new ArrayList<>();
    BatchReport report =
        run(iris, options)
            .run(
                randIris, output, (done, predicted, rejected, fraction) -> fractions.add(fraction));

    assertThat(report.resumedAt()).isEqualTo(1000);
    assertThat(report.rows()).isEqualTo(ROWS);
    List<String> lines = Files.readAllLines(output);
    assertThat(lines).hasSize(ROWS + 1);
    List<String> labels = directLabels(randIris);
    for (int r = 1; r <= ROWS; r++) {
      String[] fields = lines.get(r).split(",");
      assertThat(fields[0]).isEqualTo(Integer.toString(r));
      assertThat(fields[1]).as("row %d", r).isEqualTo(labels.get(r - 1));
    }
    assertThat(fractions).hasSize(11).last().isEqualTo(1.0);
  }

  @Test
  void aSecondRunOfTheSameOutputIsRefusedWhileTheFirstWrites() throws Exception {
    Path input = dir.resolve("rows.csv");
    Files.writeString(input, "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
    Path output = dir.resolve("out.csv");
    java.util.concurrent.CountDownLatch inModel = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Predictor waits =
        (request, context) -> {
          inModel.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return iris.infer(request, context);
        };
    Thread first =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    run(waits, chunks(10, 10)).run(input, output, BatchProgress.NONE);
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
    inModel.await();

    assertThatThrownBy(() -> run(iris, chunks(10, 10)).run(input, output, BatchProgress.NONE))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("another run is writing");
    release.countDown();
    first.join();
    assertThat(Files.readAllLines(output)).hasSize(3);
  }

  @Test
  void aCheckpointOfAnotherInputIsNotResumed() throws Exception {
    Path input = dir.resolve("rows.csv");
    Files.writeString(input, "5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
    Path output = dir.resolve("out.csv");
    Predictor broken =
        (request, context) -> {
          throw new ModelExecutionException("iris", "down", null);
        };
    BatchOptions options = chunks(1, 1).withFailures(FailurePolicy.NONE);
    BatchRun healthy = run(iris, options);
    assertThatThrownBy(
            () ->
                new BatchRun(
                        (request, context) -> {
                          if (request.inputs().getFirst().floats()[0] == 6.7f) {
                            return broken.infer(request, context);
                          }
                          return iris.infer(request, context);
                        },
                        iris.metadata(),
                        options,
                        clock)
                    .run(input, output, BatchProgress.NONE))
        .isInstanceOf(BatchException.class);
    Files.writeString(input, "4.9,3.0,1.4,0.2\n", StandardOpenOption.APPEND);

    assertThatThrownBy(() -> healthy.run(input, output, BatchProgress.NONE))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("the input or the model changed")
        .hasMessageContaining("delete it to start the run over");
  }
}
