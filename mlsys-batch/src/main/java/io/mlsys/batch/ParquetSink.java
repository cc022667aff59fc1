package io.mlsys.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A folder of Parquet files, one per chunk ({@code part-00000.parquet}, ...), and {@code
 * _manifest.json} listing the parts complete. One Parquet file cannot be appended to after a kill
 * (its footer comes last), so a chunk is a part of its own: written beside, renamed into place,
 * then listed. The position is the number of parts; a resumed run deletes the parts after it.
 * Written by DuckDB in process (no Hadoop).
 */
final class ParquetSink implements RowSink {
  static final String MANIFEST = "_manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path folder;
  private Columns columns;
  private Connection duckdb;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> parts = new ArrayList<>();
  private long rowCount;

  ParquetSink(Path folder) {
    this.folder = folder;
  }

  @Override
  public String describe() {
    return folder.toString();
  }

  @Override
  public boolean exists() {
    return Files.isDirectory(folder);
  }

  static String partName(int index) {
    return String.format(java.util.Locale.ROOT, "part-%05d.parquet", index);
  }

  @Override
  public void open(Columns newColumns, String position) throws IOException {
    this.columns = newColumns;
    Files.createDirectories(folder);
    int keep = position == null ? 0 : Integer.parseInt(position);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        boolean kept = false;
        for (int i = 0; i < keep; i++) {
          if (name.equals(partName(i))) {
            kept = true;
          }
        }
        // Only parts (and their temporary files) go: anything else in the folder is not ours.
        if (!kept && name.matches("part-[0-9]{5,}\\.parquet(\\.tmp)?")) {
          Files.delete(file);
        }
      }
    }
    for (int i = 0; i < keep; i++) {
      if (!Files.exists(folder.resolve(partName(i)))) {
        throw new BatchException(
            folder
                + ": "
                + partName(i)
                + " is missing, though its checkpoint lists it; delete the checkpoint to start over");
      }
      parts.add(partName(i));
    }
    rowCount = readRowCount(keep);
    writeManifest();
    try {
      duckdb = DriverManager.getConnection("jdbc:duckdb:");
    } catch (SQLException e) {
      throw new BatchException("sink " + folder + ": cannot start DuckDB: " + e.getMessage(), e);
    }
  }

  private long readRowCount(int keep) throws IOException {
    Path manifest = folder.resolve(MANIFEST);
    if (keep == 0 || !Files.exists(manifest)) {
      return 0;
    }
    Map<?, ?> read = JSON.readValue(manifest.toFile(), Map.class);
    Object counts = read.get("part_rows");
    long total = 0;
    if (counts instanceof List<?> list) {
      for (int i = 0; i < keep && i < list.size(); i++) {
        total += ((Number) list.get(i)).longValue();
      }
    }
    partRows.clear();
    if (counts instanceof List<?> list) {
      for (int i = 0; i < keep && i < list.size(); i++) {
        partRows.add(((Number) list.get(i)).longValue());
      }
    }
    return total;
  }

  private final List<Long> partRows = new ArrayList<>();

  @Override
  public boolean isOpen() {
    return duckdb != null;
  }

  @Override
  public void write(String[] fields) {
    rows.add(fields);
  }

  @Override
  public String commit() throws IOException {
    if (rows.isEmpty()) {
      return Integer.toString(parts.size());
    }
    String name = partName(parts.size());
    Path temporary = folder.resolve(name + ".tmp");
    try (Statement statement = duckdb.createStatement()) {
      StringBuilder create = new StringBuilder("CREATE OR REPLACE TEMP TABLE chunk (");
      for (int i = 0; i < columns.size(); i++) {
        create
            .append(i > 0 ? ", " : "")
            .append(Jdbc.quote(columns.names().get(i)))
            .append(' ')
            .append(Jdbc.type(columns.kinds().get(i)));
      }
      statement.execute(create.append(')').toString());
      try (PreparedStatement insert =
          duckdb.prepareStatement(
              "INSERT INTO chunk VALUES (" + "?, ".repeat(columns.size() - 1) + "?)")) {
        for (String[] fields : rows) {
          for (int i = 0; i < fields.length; i++) {
            switch (columns.kinds().get(i)) {
              case INTEGER -> insert.setLong(i + 1, Long.parseLong(fields[i]));
              case REAL -> insert.setDouble(i + 1, Double.parseDouble(fields[i]));
              case BOOLEAN -> insert.setBoolean(i + 1, Boolean.parseBoolean(fields[i]));
              case TEXT -> insert.setString(i + 1, fields[i]);
            }
          }
          insert.addBatch();
        }
        insert.executeBatch();
      }
      statement.execute(
          "COPY chunk TO '" + temporary.toString().replace("'", "''") + "' (FORMAT parquet)");
    } catch (SQLException e) {
      throw new BatchException("sink " + folder + ": " + e.getMessage(), e);
    }
    try (var channel =
        java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    move(temporary, folder.resolve(name));
    parts.add(name);
    partRows.add((long) rows.size());
    rowCount += rows.size();
    rows.clear();
    writeManifest();
    return Integer.toString(parts.size());
  }

  private void writeManifest() throws IOException {
    Path temporary = folder.resolve(MANIFEST + ".tmp");
    Map<String, Object> manifest =
        Map.of("version", 1, "parts", parts, "part_rows", partRows, "rows", rowCount);
    try (var channel =
        java.nio.channels.FileChannel.open(
            temporary,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
            java.nio.file.StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(manifest)));
      channel.force(true);
    }
    move(temporary, folder.resolve(MANIFEST));
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (duckdb != null) {
        duckdb.close();
      }
    } catch (SQLException e) {
      throw new IOException("sink " + folder + ": " + e.getMessage(), e);
    }
  }
}
