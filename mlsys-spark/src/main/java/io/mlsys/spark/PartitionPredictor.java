package io.mlsys.spark;

import io.mlsys.batch.FailurePolicy;
import io.mlsys.batch.RowCodec;
import io.mlsys.batch.RowSource;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferResponse;
import java.io.Serializable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Predicts one partition's rows: takes them {@code batchRows} at a time, checks and parses each
 * with mlsys-batch's {@link RowCodec} (the rules and error messages of {@code mlsys batch run}),
 * makes one model call per batch through the executor's {@link ExecutorModels model}, and hands
 * Spark the output rows as it pulls them, so a partition is never held in memory whole. Serialized
 * to every task; holds only the model's key, the layouts, the policy and the counters.
 *
 * <p>It runs in one of two passes over the same numbered rows. The {@link Pass#PREDICT predict}
 * pass emits the predictions and counts the rows it rejects (a row that cannot be read or parsed;
 * under {@code failed-rows}, a row the model fails on alone). Only when it rejected some does the
 * {@link Pass#REJECT reject} pass run, emitting the rejected rows with their error; it calls the
 * model only when the first pass saw the model fail on a row (parsing alone finds the rest).
 *
 * <p>A model failure on a batch follows the job's policy, as in {@code mlsys batch run}: {@code
 * retry} calls it again, then fails the task (Spark may retry the task; then the job fails, naming
 * the rows); {@code rows} calls it row by row and rejects the rows that still fail; {@code none}
 * fails the task at once.
 *
 * <p>For CSV output each predicted row is one text line, and a partition's lines start with the
 * header, for Spark's text writer: Spark 4.2's CSV writer formats each value through a lookup that
 * builds the task's SQL configuration anew for every value (in a profile of a million rows, more
 * time than the CSV parsing and the model together).
 */
final class PartitionPredictor implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Row> {
  /** Which rows a pass emits. */
  enum Pass {
    /** The predictions. */
    PREDICT,
    /** The rejected rows, with their error. */
    REJECT
  }

  /**
   * What a task does with a model failure and how it counts.
   *
   * @param failures the job's failure policy
   * @param attempts calls of a failing batch in all (1 under {@code none})
   * @param predicted counts the rows predicted (predict pass)
   * @param rejected counts the rows rejected (predict pass)
   * @param modelRejected counts the rows the model failed on alone (predict pass)
   */
  record Policy(
      FailurePolicy failures,
      int attempts,
      LongAccumulator predicted,
      LongAccumulator rejected,
      LongAccumulator modelRejected)
      implements Serializable {}

  private final ModelKey model;
  private final RowReader reader;
  private final OutputColumns outputs;
  private final int batchRows;
  private final boolean csvLines;
  private final Pass pass;
  private final boolean callModel;
  private final Policy policy;

  /**
   * @param csvLines whether the output rows are CSV lines (predictions after a header line) rather
   *     than typed columns
   * @param callModel reject pass only: whether the model is called again (it failed on rows)
   */
  PartitionPredictor(
      ModelKey model,
      RowReader reader,
      OutputColumns outputs,
      int batchRows,
      boolean csvLines,
      Pass pass,
      boolean callModel,
      Policy policy) {
    this.model = model;
    this.reader = reader;
    this.outputs = outputs;
    this.batchRows = batchRows;
    this.csvLines = csvLines;
    this.pass = pass;
    this.callModel = pass == Pass.PREDICT || callModel;
    this.policy = policy;
  }

  @Override
  public Iterator<Row> call(Iterator<Tuple2<Row, Long>> rows) {
    ExecutorModels.Loaded loaded = ExecutorModels.get(model);
    RowCodec codec = RowCodec.of(loaded.metadata());
    CallContext context = CallContext.of(Clock.systemUTC());
    return new Iterator<>() {
      private Iterator<Row> batch = List.<Row>of().iterator();
      private boolean headerDue = csvLines && pass == Pass.PREDICT;

      @Override
      public boolean hasNext() {
        while (!batch.hasNext() && rows.hasNext()) {
          batch = nextBatch().iterator();
        }
        return batch.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (headerDue) {
          headerDue = false;
          return RowFactory.create(outputs.headerLine());
        }
        return batch.next();
      }

      private List<Row> nextBatch() {
        List<Row> out = new ArrayList<>();
        RowCodec.Batch parsed = codec.batch(batchRows);
        long[] numbers = new long[batchRows];
        List<String[]> fields =
            policy.failures() == FailurePolicy.ROWS ? new ArrayList<>(batchRows) : null;
        while (!parsed.full() && rows.hasNext()) {
          Tuple2<Row, Long> next = rows.next();
          long number = next._2() + 1;
          RowSource.Row row = reader.fields(next._1());
          String problem = row.fields() == null ? row.problem() : parsed.add(row.fields());
          if (problem != null) {
            reject(out, number, problem, row.describe(), false);
            continue;
          }
          numbers[parsed.size() - 1] = number;
          if (fields != null) {
            fields.add(row.fields());
          }
        }
        if (parsed.size() > 0 && callModel) {
          predict(out, codec, parsed, Arrays.copyOf(numbers, parsed.size()), fields);
        }
        return out;
      }

      private void predict(
          List<Row> out,
          RowCodec codec,
          RowCodec.Batch parsed,
          long[] numbers,
          List<String[]> fields) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < policy.attempts(); attempt++) {
          try {
            emit(out, loaded.predictor().infer(parsed.request(), context), numbers);
            return;
          } catch (SparkBatchException e) {
            throw e;
          } catch (RuntimeException e) {
            last = e;
          }
        }
        if (policy.failures() != FailurePolicy.ROWS) {
          throw new SparkBatchException(
              "rows "
                  + numbers[0]
                  + " to "
                  + numbers[numbers.length - 1]
                  + ": model "
                  + model.model()
                  + " failed"
                  + (policy.attempts() > 1 ? " " + policy.attempts() + " times" : "")
                  + " ("
                  + message(last)
                  + ")",
              last);
        }
        // The policy is failed-rows: each row alone; the ones that still fail are rejected.
        for (int i = 0; i < numbers.length; i++) {
          RowCodec.Batch one = codec.batch(1);
          one.add(fields.get(i));
          long[] number = {numbers[i]};
          try {
            emit(out, loaded.predictor().infer(one.request(), context), number);
          } catch (SparkBatchException e) {
            throw e;
          } catch (RuntimeException e) {
            reject(out, numbers[i], message(e), String.join(",", fields.get(i)), true);
          }
        }
      }

      private void emit(List<Row> out, InferResponse response, long[] numbers) {
        if (pass == Pass.PREDICT) {
          out.addAll(csvLines ? outputs.lines(response, numbers) : outputs.rows(response, numbers));
          policy.predicted().add(numbers.length);
        }
      }

      private void reject(List<Row> out, long number, String error, String line, boolean model) {
        if (pass == Pass.PREDICT) {
          policy.rejected().add(1);
          if (model) {
            policy.modelRejected().add(1);
          }
        } else {
          Object[] values = {number, error, line};
          out.add(
              csvLines
                  ? RowFactory.create(OutputColumns.csvLine(values))
                  : RowFactory.create(values));
        }
      }
    };
  }

  private static String message(RuntimeException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
