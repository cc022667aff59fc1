package io.mlsys.spark;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Predicts one partition's rows: takes them {@code batchRows} at a time, makes one model call per
 * batch through the executor's {@link ExecutorModels model}, and hands Spark the predicted rows as
 * it pulls them, so a partition is never held in memory whole (one batch in and out at a time).
 * Serialized to every task; holds only the model's key, the column layouts and the row counter.
 *
 * <p>For CSV output each predicted row is one text line, and a partition's lines start with the
 * header, for Spark's text writer: Spark 4.2's CSV writer formats each value through a lookup that
 * builds the task's SQL configuration anew for every value (in a profile of a million rows, more
 * time than the CSV parsing and the model together).
 */
final class PartitionPredictor implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Row> {
  private final ModelKey model;
  private final InputColumns inputs;
  private final OutputColumns outputs;
  private final int batchRows;
  private final boolean csvLines;
  private final LongAccumulator predicted;

  /**
   * @param csvLines whether rows are CSV lines (after a header line) rather than typed columns
   * @param predicted counts the rows predicted
   */
  PartitionPredictor(
      ModelKey model,
      InputColumns inputs,
      OutputColumns outputs,
      int batchRows,
      boolean csvLines,
      LongAccumulator predicted) {
    this.model = model;
    this.inputs = inputs;
    this.outputs = outputs;
    this.batchRows = batchRows;
    this.csvLines = csvLines;
    this.predicted = predicted;
  }

  @Override
  public Iterator<Row> call(Iterator<Tuple2<Row, Long>> rows) {
    ExecutorModels.Loaded loaded = ExecutorModels.get(model);
    CallContext context = CallContext.of(Clock.systemUTC());
    return new Iterator<>() {
      private Iterator<Row> batch = List.<Row>of().iterator();
      private boolean headerDue = csvLines;

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
        List<Row> batch = new ArrayList<>(batchRows);
        long[] numbers = new long[batchRows];
        while (batch.size() < batchRows && rows.hasNext()) {
          Tuple2<Row, Long> row = rows.next();
          numbers[batch.size()] = row._2() + 1;
          batch.add(row._1());
        }
        long[] rowNumbers =
            batch.size() == batchRows ? numbers : java.util.Arrays.copyOf(numbers, batch.size());
        InferResponse response;
        try {
          response = loaded.predictor().infer(inputs.request(batch, rowNumbers), context);
        } catch (SparkBatchException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new SparkBatchException(
              "rows "
                  + rowNumbers[0]
                  + " to "
                  + rowNumbers[rowNumbers.length - 1]
                  + ": model "
                  + model.model()
                  + " failed ("
                  + e.getMessage()
                  + ")",
              e);
        }
        predicted.add(rowNumbers.length);
        return csvLines ? outputs.lines(response, rowNumbers) : outputs.rows(response, rowNumbers);
      }
    };
  }
}
