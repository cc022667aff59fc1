package io.mlsys.training;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** The bundled iris.csv, read independently of Tribuo so tests can check what Tribuo did. */
record IrisData(List<String> header, List<Row> rows, byte[] bytes) {

  /** One data row: the feature values in file column order, and the species. */
  record Row(double[] features, String species) {
    float[] featuresAsFloats() {
      float[] floats = new float[features.length];
      for (int i = 0; i < features.length; i++) {
        floats[i] = (float) features[i];
      }
      return floats;
    }
  }

  static IrisData load() {
    try (InputStream in = IrisDemo.class.getResourceAsStream(IrisDemo.DATA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(IrisDemo.DATA_RESOURCE + " is not on the classpath");
      }
      byte[] bytes = in.readAllBytes();
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      List<String> header = List.of(lines.get(0).split(","));
      List<Row> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",");
        double[] features =
            Arrays.stream(cells, 0, cells.length - 1).mapToDouble(Double::parseDouble).toArray();
        rows.add(new Row(features, cells[cells.length - 1]));
      }
      return new IrisData(header, rows, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> featureColumns() {
    return header.subList(0, header.size() - 1);
  }

  List<String> sortedSpecies() {
    return rows.stream().map(Row::species).distinct().sorted().toList();
  }

  String sha256Hex() {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
