package io.mlsys.spark;

import io.mlsys.batch.RowLines;
import io.mlsys.batch.RowSource;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * How a row Spark read becomes the row's fields as text, which the task then checks and parses with
 * mlsys-batch's {@code RowCodec}, as {@code mlsys batch run} does: a CSV or JSON line split by
 * {@link RowLines} (Spark reads those files as text lines), or the values of typed columns
 * (Parquet, a table), an array value giving a field per element and a null an empty field.
 *
 * @param format the source's format
 * @param columns JSONL only: the object keys that are the fields, in order; null for all values
 */
record RowReader(DataFormat format, List<String> columns) implements Serializable {
  RowSource.Row fields(Row row) {
    return switch (format) {
      case CSV -> RowLines.csv(row.getString(0));
      case JSONL -> RowLines.json(row.getString(0), columns);
      case PARQUET, JDBC -> values(row);
    };
  }

  private static RowSource.Row values(Row row) {
    List<String> fields = new ArrayList<>(row.size());
    for (int i = 0; i < row.size(); i++) {
      add(row.get(i), fields);
    }
    return new RowSource.Row(fields.toArray(new String[0]), null, null);
  }

  private static void add(Object value, List<String> fields) {
    if (value == null) {
      fields.add("");
    } else if (value instanceof scala.collection.Iterable<?> elements) {
      for (scala.collection.Iterator<?> it = elements.iterator(); it.hasNext(); ) {
        add(it.next(), fields);
      }
    } else if (value instanceof BigDecimal decimal) {
      fields.add(decimal.toPlainString());
    } else {
      fields.add(value.toString());
    }
  }
}
