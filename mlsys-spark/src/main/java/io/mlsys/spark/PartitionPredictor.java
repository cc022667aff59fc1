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
import scala.Tuple2;

/**
 * Predicts one partition's rows: takes them {@code batchRows} at a time, makes one model call per
 * batch through the executor's {@link ExecutorModels model}, and hands Spark the predicted rows as
 * it pulls them, so a partition is never held in memory whole (one batch in and out at a time).
 * Serialized to every task; holds only the model's key and the column layouts.
 */
final class PartitionPredictor implements FlatMapFunction<Iterator<Tuple2<Row, Long>>, Row> {
  private final ModelKey model;
  private final InputColumns inputs;
  private final OutputColumns outputs;
  private final int batchRows;

  PartitionPredictor(ModelKey model, InputColumns inputs, OutputColumns outputs, int batchRows) {
    this.model = model;
    this.inputs = inputs;
    this.outputs = outputs;
    this.batchRows = batchRows;
  }

  @Override
  public Iterator<Row> call(Iterator<Tuple2<Row, Long>> rows) {
    ExecutorModels.Loaded loaded = ExecutorModels.get(model);
    CallContext context = CallContext.of(Clock.systemUTC());
    return new Iterator<>() {
      private Iterator<Row> predicted = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        while (!predicted.hasNext() && rows.hasNext()) {
          predicted = nextBatch().iterator();
        }
        return predicted.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return predicted.next();
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
        return outputs.rows(response, rowNumbers);
      }
    };
  }
}
