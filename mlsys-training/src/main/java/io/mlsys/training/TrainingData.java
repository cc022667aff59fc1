package io.mlsys.training;

import io.mlsys.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.tribuo.data.columnar.ColumnarIterator;
import org.tribuo.data.csv.CSVIterator;

/**
 * A table read from a CSV file with a header line: where it came from, the SHA-256 of its bytes
 * (the data version of a model's lineage) and its rows as text.
 *
 * @param uri where it was read ({@code file:} URI, or {@value #BUNDLED_IRIS_URI})
 * @param digest {@code sha256:<hex>} of the file's bytes
 * @param columns the header's column names, in order
 * @param rows each row's values in column order, empty strings where a value is absent
 */
public record TrainingData(
    String uri, String digest, List<String> columns, List<List<String>> rows) {

  /** The URI of the Iris data bundled with mlsys: {@value}. */
  public static final String BUNDLED_IRIS_URI = "classpath:/io/mlsys/training/iris.csv";

  /** Larger files are refused (they are held in memory while training): {@value} bytes. */
  public static final long MAX_BYTES = 256L * 1024 * 1024;

  public TrainingData {
    columns = List.copyOf(columns);
    rows = rows.stream().map(List::copyOf).toList();
  }

  /** The Iris data set bundled with mlsys ({@link IrisDemo#DATA_RESOURCE}). */
  public static TrainingData bundledIris() {
    try (InputStream in = IrisDemo.class.getResourceAsStream(IrisDemo.DATA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            IrisDemo.DATA_RESOURCE + " is missing from the classpath beside " + IrisDemo.class);
      }
      return parse(BUNDLED_IRIS_URI, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled " + IrisDemo.DATA_RESOURCE, e);
    }
  }

  /**
   * Reads a CSV file.
   *
   * @throws InvalidInputException naming {@code data} when the file is absent, too large, not
   *     UTF-8, or not a CSV file with a header and rows of its width
   */
  public static TrainingData read(Path csv) {
    Path file = csv.toAbsolutePath().normalize();
    byte[] content;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new InvalidInputException(
            "data", "'" + csv + "' is larger than " + MAX_BYTES + " bytes");
      }
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("data", "'" + csv + "' does not exist");
    } catch (IOException e) {
      throw new InvalidInputException("data", "cannot read '" + csv + "': " + e);
    }
    return parse(file.toUri().toString(), content);
  }

  /** Parses CSV text with a header line; {@code uri} names it in lineage and messages. */
  static TrainingData parse(String uri, byte[] content) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(content))
              .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("data", uri + ": not UTF-8 text (expected: a CSV file)");
    }
    List<String> columns;
    List<List<String>> rows = new ArrayList<>();
    try (CSVIterator iterator = new CSVIterator(new StringReader(text))) {
      columns = iterator.getFields();
      while (iterator.hasNext()) {
        ColumnarIterator.Row row = iterator.next();
        List<String> values = new ArrayList<>(columns.size());
        for (String column : columns) {
          String value = row.getRowData().get(column);
          values.add(value == null ? "" : value);
        }
        rows.add(values);
      }
    } catch (IOException
        | IllegalArgumentException
        | IllegalStateException
        | UncheckedIOException
        | java.util.NoSuchElementException e) {
      throw new InvalidInputException(
          "data", uri + ": not a CSV file with a header line (" + e.getMessage() + ")");
    }
    if (columns.isEmpty() || rows.isEmpty()) {
      throw new InvalidInputException(
          "data", uri + ": no rows (expected: a header line, then one row per example)");
    }
    return new TrainingData(uri, digest(content), columns, rows);
  }

  /** {@code sha256:<hex>} of {@code content}. */
  static String digest(byte[] content) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The index of {@code column}, or -1. */
  public int indexOf(String column) {
    return columns.indexOf(column);
  }
}
