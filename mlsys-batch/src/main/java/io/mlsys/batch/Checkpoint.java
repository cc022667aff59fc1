package io.mlsys.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run stands, written after each chunk (by default {@code <output>.checkpoint}): the rows
 * done and the positions of the sink and the reject sink that hold exactly those rows. A run
 * started again with a checkpoint cuts both sinks back to those positions (a chunk written after
 * the last checkpoint goes) and goes on from the next row, so every row ends up in them once.
 *
 * @param version {@value #VERSION}; version 1 (CSV only: input size and time, file lengths) is read
 *     too
 * @param source what the rows come from (a file with its size and time, a table or query): a
 *     changed source is not resumed
 * @param model the model's name and version
 * @param header whether a CSV input's first line was a header
 * @param rowsDone input rows handled (predicted or rejected)
 * @param predicted rows in the sink
 * @param rejected rows in the reject sink
 * @param columns the sink's columns, null before the first prediction
 * @param kinds their kinds
 * @param sinkPosition the sink's position after those rows (bytes, a row number, parts), or null
 * @param rejectPosition the reject sink's, or null when it holds nothing yet
 */
record Checkpoint(
    int version,
    String source,
    String model,
    boolean header,
    long rowsDone,
    long predicted,
    long rejected,
    List<String> columns,
    List<Columns.Kind> kinds,
    String sinkPosition,
    String rejectPosition) {
  static final int VERSION = 2;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  static Path fileOf(Path output) {
    return output.resolveSibling(output.getFileName() + ".checkpoint");
  }

  /** The sink's columns, or null. */
  Columns sinkColumns() {
    return columns == null ? null : new Columns(columns, kinds);
  }

  static Checkpoint read(Path file) throws IOException {
    try {
      JsonNode node = MAPPER.readTree(file.toFile());
      int version = node.path("version").asInt();
      if (version == 1) {
        return fromVersion1(node);
      }
      if (version != VERSION) {
        throw new BatchException(
            file
                + ": checkpoint version "
                + version
                + " (this mlsys reads 1 and "
                + VERSION
                + "); delete it to start the run over");
      }
      return MAPPER.treeToValue(node, Checkpoint.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new BatchException(
          file
              + " is not a checkpoint this mlsys can read ("
              + e.getOriginalMessage()
              + "); delete it to start the run over",
          e);
    }
  }

  /**
   * A checkpoint of the CSV-only runs before sources and sinks: its input file and lengths say the
   * same as a CSV source's identity and two file positions. Its columns were not recorded: the CSV
   * sink keeps its header, so the first prediction supplies them.
   */
  private static Checkpoint fromVersion1(JsonNode node) {
    String source =
        "csv "
            + node.path("input").asText()
            + " "
            + node.path("input_size").asLong()
            + " bytes, modified "
            + node.path("input_modified").asLong();
    long rejectBytes = node.path("reject_bytes").asLong();
    return new Checkpoint(
        VERSION,
        source,
        node.path("model").asText(),
        node.path("header").asBoolean(),
        node.path("rows_done").asLong(),
        node.path("predicted").asLong(),
        node.path("rejected").asLong(),
        null,
        null,
        Long.toString(node.path("output_bytes").asLong()),
        rejectBytes == 0 ? null : Long.toString(rejectBytes));
  }

  static List<String> names(Columns columns) {
    return columns == null ? null : new ArrayList<>(columns.names());
  }

  /** Replaces the checkpoint file at once: written beside it, forced to disk, then renamed. */
  void write(Path file) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(MAPPER.writeValueAsBytes(this)));
      channel.force(true);
    }
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
