package io.mlsys.monitoring;

import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The rand_iris.csv traffic of the fixtures, split in two interleaved halves: the even rows are the
 * baseline, the odd rows the traffic (the file is not in random order: its first half has other
 * means than its second).
 */
final class RandIris {
  static final List<String> FEATURES =
      List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

  private RandIris() {}

  static Path fixture(String name) {
    return Fixtures.require("sklearn-iris/" + name);
  }

  static List<float[]> rows() throws IOException {
    List<float[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(fixture("rand_iris.csv"))) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",");
      float[] row = new float[cells.length];
      for (int i = 0; i < cells.length; i++) {
        row[i] = Float.parseFloat(cells[i].strip());
      }
      rows.add(row);
    }
    return rows;
  }

  /** The even rows as a baseline CSV with a header, in {@code dir}. */
  static Path baselineCsv(Path dir) throws IOException {
    List<float[]> rows = rows();
    StringBuilder csv = new StringBuilder(String.join(",", FEATURES)).append('\n');
    for (int r = 0; r < rows.size(); r += 2) {
      float[] row = rows.get(r);
      for (int i = 0; i < row.length; i++) {
        csv.append(i == 0 ? "" : ",").append(row[i]);
      }
      csv.append('\n');
    }
    Path file = dir.resolve("baseline.csv");
    Files.writeString(file, csv);
    return file;
  }

  /** The odd rows, each changed by {@code change}. */
  static List<float[]> traffic(UnaryOperator<float[]> change) throws IOException {
    List<float[]> rows = rows();
    List<float[]> traffic = new ArrayList<>();
    for (int r = 1; r < rows.size(); r += 2) {
      traffic.add(change.apply(rows.get(r).clone()));
    }
    return traffic;
  }

  static InferRequest request(List<float[]> rows) {
    float[] values = new float[rows.size() * 4];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, values, i * 4, 4);
    }
    return InferRequest.of(Tensor.ofFloats("float_input", new long[] {rows.size(), 4}, values));
  }
}
