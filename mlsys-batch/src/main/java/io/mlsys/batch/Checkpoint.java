package io.mlsys.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where a run stands, written after each chunk next to the output ({@code <output>.checkpoint}):
 * the rows done and the length of the output and reject files that hold exactly those rows. A run
 * started again with a checkpoint cuts both files back to those lengths (a chunk written after the
 * last checkpoint goes) and goes on from the next row, so every row ends up in them once.
 *
 * @param version {@value #VERSION}
 * @param input the input file, as given
 * @param inputSize its size when the run started: a changed input is not resumed
 * @param inputModified its modification time (ms)
 * @param model the model's name and version
 * @param header whether the input's first line was a header
 * @param rowsDone input rows handled (predicted or rejected)
 * @param predicted rows in the output
 * @param rejected rows in the reject file
 * @param outputBytes the output's length holding those rows (header included)
 * @param rejectBytes the reject file's length; 0 when there is none
 */
record Checkpoint(
    int version,
    String input,
    long inputSize,
    long inputModified,
    String model,
    boolean header,
    long rowsDone,
    long predicted,
    long rejected,
    long outputBytes,
    long rejectBytes) {
  static final int VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  static Path fileOf(Path output) {
    return output.resolveSibling(output.getFileName() + ".checkpoint");
  }

  static Checkpoint read(Path file) throws IOException {
    try {
      Checkpoint checkpoint = MAPPER.readValue(file.toFile(), Checkpoint.class);
      if (checkpoint.version() != VERSION) {
        throw new BatchException(
            file
                + ": checkpoint version "
                + checkpoint.version()
                + " (this mlsys reads "
                + VERSION
                + "); delete it to start the run over");
      }
      return checkpoint;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new BatchException(
          file
              + " is not a checkpoint this mlsys can read ("
              + e.getOriginalMessage()
              + "); delete it to start the run over",
          e);
    }
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
