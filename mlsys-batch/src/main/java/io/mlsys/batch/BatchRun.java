package io.mlsys.batch;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One batch prediction run: the rows of a CSV file (fields in the model's input order) predicted in
 * chunks through an in-process model, the answers written in place to a CSV file ({@code row}, then
 * the outputs' values) as each chunk completes, unreadable or failed rows to a reject file ({@code
 * row,error,line}).
 *
 * <h2>Exactly once across kills</h2>
 *
 * After each chunk the output and reject files are forced to disk, then a {@link Checkpoint}
 * records the rows done and both files' lengths. A run that finds a checkpoint for the same input
 * and model cuts the files back to those lengths and starts at the next row: a run killed at any
 * point (SIGKILL included) and started again with the same command ends with every input row in the
 * output or the reject file exactly once. The checkpoint is deleted when the run completes.
 */
public final class BatchRun {
  private static final CsvMapper CSV =
      CsvMapper.builder()
          .enable(CsvParser.Feature.WRAP_AS_ARRAY)
          .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
          .build();
  private static final ObjectWriter LINE = CSV.writerFor(String[].class);

  private final Predictor predictor;
  private final ModelMetadata metadata;
  private final BatchOptions options;
  private final Clock clock;
  private final RowCodec codec;

  /**
   * @param predictor the model (or graph), in process
   * @param metadata its signature: the input rows fill its inputs in order
   * @throws BatchException when rows cannot fill the model's inputs
   */
  public BatchRun(Predictor predictor, ModelMetadata metadata, BatchOptions options, Clock clock) {
    this.predictor = Objects.requireNonNull(predictor, "predictor");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.codec = RowCodec.of(metadata);
  }

  /** The reject file of an output: {@code predictions.csv} -> {@code predictions.rejects.csv}. */
  public static Path rejectsOf(Path output) {
    String name = output.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : ".csv";
    return output.resolveSibling(stem + ".rejects" + extension);
  }

  /**
   * Predicts every row of {@code input} into {@code output}, resuming from the checkpoint an
   * earlier run of the same input and model left.
   *
   * @throws BatchException when the input cannot be read as rows of the model, the checkpoint is
   *     for another input or model, or the model fails beyond the failure policy (the checkpoint
   *     stays: the same command resumes)
   */
  public BatchReport run(Path input, Path output, BatchProgress progress) throws IOException {
    if (!Files.isRegularFile(input)) {
      throw new BatchException("input " + input + ": no such file");
    }
    long started = clock.millis();
    OutputLock lock = OutputLock.take(output);
    try {
      return run(input, output, progress, started);
    } finally {
      lock.close();
    }
  }

  private BatchReport run(Path input, Path output, BatchProgress progress, long started)
      throws IOException {
    Path checkpointFile = Checkpoint.fileOf(output);
    Path rejects = rejectsOf(output);
    long inputSize = Files.size(input);
    long inputModified = Files.getLastModifiedTime(input).toMillis();
    String model = metadata.name() + (metadata.version() == null ? "" : ":" + metadata.version());
    Checkpoint resumeFrom = null;
    if (Files.exists(checkpointFile)) {
      resumeFrom = Checkpoint.read(checkpointFile);
      if (resumeFrom.inputSize() != inputSize
          || resumeFrom.inputModified() != inputModified
          || !resumeFrom.model().equals(model)) {
        throw new BatchException(
            checkpointFile
                + " is from a run of "
                + resumeFrom.input()
                + " with "
                + resumeFrom.model()
                + " on an input of "
                + resumeFrom.inputSize()
                + " bytes; the input or the model changed since (now "
                + inputSize
                + " bytes, "
                + model
                + "): delete it to start the run over");
      }
    }
    try (BufferedReader reader = Files.newBufferedReader(input, StandardCharsets.UTF_8);
        MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(reader);
        FileChannel out = open(output, resumeFrom == null ? 0 : resumeFrom.outputBytes());
        RejectFile rejectFile =
            new RejectFile(rejects, resumeFrom == null ? 0 : resumeFrom.rejectBytes())) {
      State state = new State(resumeFrom);
      Start start = skipHeaderAndDoneRows(rows, resumeFrom);
      boolean header = start.header();
      String[] firstRow = start.firstRow();
      int columns = state.columns;
      while (firstRow != null || rows.hasNextValue()) {
        List<String[]> chunk = new ArrayList<>(Math.min(options.chunkRows(), 65_536));
        if (firstRow != null) {
          chunk.add(firstRow);
          firstRow = null;
        }
        while (chunk.size() < options.chunkRows() && rows.hasNextValue()) {
          chunk.add(rows.nextValue());
        }
        StringWriter predicted = new StringWriter();
        StringWriter rejected = new StringWriter();
        columns = predictChunk(chunk, state, predicted, rejected, out.size() == 0, columns);
        writeFully(out, predicted.toString());
        out.force(false);
        rejectFile.append(rejected.toString());
        state.columns = columns;
        new Checkpoint(
                Checkpoint.VERSION,
                input.toString(),
                inputSize,
                inputModified,
                model,
                header,
                state.rowsDone,
                state.predicted,
                state.rejected,
                out.size(),
                rejectFile.size())
            .write(checkpointFile);
        double fraction =
            !rows.hasNextValue()
                ? 1
                : Math.min(1, (double) rows.getCurrentLocation().getCharOffset() / inputSize);
        progress.chunkDone(state.rowsDone, state.predicted, state.rejected, fraction);
      }
      if (out.size() == 0) {
        // No rows at all: the header alone, from the model's signature.
        writeFully(out, headerLine(emptyHeader()));
        out.force(false);
      }
      Files.deleteIfExists(checkpointFile);
      return new BatchReport(
          state.rowsDone,
          state.predicted,
          state.rejected,
          state.resumedAt,
          Duration.ofMillis(clock.millis() - started));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new BatchException("input " + input + ": not CSV (" + e.getOriginalMessage() + ")", e);
    }
  }

  /** Counts across the run, resumed ones included. */
  private static final class State {
    long rowsDone;
    long predicted;
    long rejected;
    final long resumedAt;
    int columns = -1;

    State(Checkpoint resumeFrom) {
      if (resumeFrom != null) {
        rowsDone = resumeFrom.rowsDone();
        predicted = resumeFrom.predicted();
        rejected = resumeFrom.rejected();
      }
      resumedAt = rowsDone;
    }
  }

  /**
   * Where reading starts.
   *
   * @param header whether the input has a header line
   * @param firstRow the first data row, when it was read to decide that; else null
   */
  private record Start(boolean header, String[] firstRow) {}

  /** Reads past the header (when there is one) and the rows an earlier run did. */
  private Start skipHeaderAndDoneRows(MappingIterator<String[]> rows, Checkpoint resumeFrom)
      throws IOException {
    if (resumeFrom != null) {
      if (resumeFrom.header() && rows.hasNextValue()) {
        rows.nextValue();
      }
      for (long i = 0; i < resumeFrom.rowsDone() && rows.hasNextValue(); i++) {
        rows.nextValue();
      }
      return new Start(resumeFrom.header(), null);
    }
    if (!rows.hasNextValue()) {
      return new Start(false, null);
    }
    // The first line is a header when it cannot be a row of the model, unless the options say.
    // Jackson's iterator cannot push back, so a first line that is data goes to the first chunk.
    String[] first = rows.nextValue();
    boolean header = options.header() != null ? options.header() : codec.looksLikeHeader(first);
    return new Start(header, header ? null : first);
  }

  private int predictChunk(
      List<String[]> chunk,
      State state,
      StringWriter predicted,
      StringWriter rejected,
      boolean writeHeader,
      int columns)
      throws IOException {
    try (SequenceWriter out = LINE.writeValues(predicted);
        SequenceWriter rejects = LINE.writeValues(rejected)) {
      List<String[]> batch = new ArrayList<>(options.batchRows());
      List<Long> numbers = new ArrayList<>(options.batchRows());
      for (String[] fields : chunk) {
        long rowNumber = ++state.rowsDone;
        String problem = codec.problem(fields);
        if (problem != null) {
          rejects.write(new String[] {Long.toString(rowNumber), problem, join(fields)});
          state.rejected++;
          continue;
        }
        batch.add(fields);
        numbers.add(rowNumber);
        if (batch.size() == options.batchRows()) {
          columns = predictBatch(batch, numbers, out, rejects, state, writeHeader, columns);
          writeHeader = false;
          batch.clear();
          numbers.clear();
        }
      }
      if (!batch.isEmpty()) {
        columns = predictBatch(batch, numbers, out, rejects, state, writeHeader, columns);
      }
    }
    return columns;
  }

  private int predictBatch(
      List<String[]> batch,
      List<Long> numbers,
      SequenceWriter out,
      SequenceWriter rejects,
      State state,
      boolean writeHeader,
      int columns)
      throws IOException {
    InferResponse response = call(batch, numbers);
    if (response == null) {
      // The policy is rows: each row alone; the ones that still fail are rejected.
      for (int i = 0; i < batch.size(); i++) {
        InferResponse one;
        try {
          one = predictor.infer(codec.request(List.<String[]>of(batch.get(i))), context());
        } catch (RuntimeException e) {
          rejects.write(new String[] {numbers.get(i).toString(), message(e), join(batch.get(i))});
          state.rejected++;
          continue;
        }
        columns = writeRows(one, List.of(numbers.get(i)), out, state, writeHeader, columns);
        writeHeader = false;
      }
      return columns;
    }
    return writeRows(response, numbers, out, state, writeHeader, columns);
  }

  private int writeRows(
      InferResponse response,
      List<Long> numbers,
      SequenceWriter out,
      State state,
      boolean writeHeader,
      int columns)
      throws IOException {
    if (columns < 0 || writeHeader) {
      List<String> header = OutputColumns.header(response, metadata);
      columns = header.size();
      if (writeHeader) {
        out.write(header.toArray(String[]::new));
      }
    }
    OutputColumns.Decoded decoded = OutputColumns.decode(response);
    for (int r = 0; r < numbers.size(); r++) {
      out.write(decoded.row(r, numbers.get(r), columns));
    }
    state.predicted += numbers.size();
    return columns;
  }

  /**
   * Calls the model, retrying per the policy.
   *
   * @return null when the policy is rows and the batch still fails
   */
  private InferResponse call(List<String[]> batch, List<Long> numbers) {
    InferRequest request = codec.request(batch);
    RuntimeException last = null;
    int attempts = options.failures() == FailurePolicy.NONE ? 1 : options.retries() + 1;
    for (int attempt = 0; attempt < attempts; attempt++) {
      try {
        return predictor.infer(request, context());
      } catch (RuntimeException e) {
        last = e;
      }
    }
    if (options.failures() == FailurePolicy.ROWS) {
      return null;
    }
    throw new BatchException(
        "rows "
            + numbers.getFirst()
            + " to "
            + numbers.getLast()
            + ": the model failed"
            + (attempts > 1 ? " " + attempts + " times" : "")
            + " ("
            + message(last)
            + "); the run stopped there, and the same command resumes it",
        last);
  }

  private CallContext context() {
    return CallContext.of(clock);
  }

  private List<String> emptyHeader() {
    List<String> header = new ArrayList<>();
    header.add(OutputColumns.ROW);
    metadata.outputs().forEach(spec -> header.add(spec.name()));
    return header;
  }

  private static String headerLine(List<String> header) throws IOException {
    return LINE.writeValueAsString(header.toArray(String[]::new));
  }

  private static String join(String[] fields) {
    return String.join(",", fields);
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static FileChannel open(Path file, long length) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    // Cut back to what the checkpoint holds (nothing for a fresh run): a chunk written after the
    // last checkpoint is written again.
    channel.truncate(length);
    channel.position(length);
    return channel;
  }

  private static void writeFully(FileChannel channel, String text) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
  }

  /**
   * {@code <output>.lock}, held while a run writes the output: a second run of the same output
   * would interleave chunks, so it is refused. The operating system releases the lock when the
   * process dies, SIGKILL included; the empty file stays.
   */
  private record OutputLock(FileChannel channel, java.nio.channels.FileLock lock)
      implements AutoCloseable {
    static OutputLock take(Path output) throws IOException {
      Path file = output.resolveSibling(output.getFileName() + ".lock");
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      java.nio.channels.FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new BatchException(
            "another run is writing " + output + " (it holds " + file + "); wait for it to end");
      }
      return new OutputLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
      lock.release();
      channel.close();
    }
  }

  /** The reject file, made at its first row. */
  private static final class RejectFile implements AutoCloseable {
    private final Path file;
    private final long length;
    private FileChannel channel;

    RejectFile(Path file, long length) throws IOException {
      this.file = file;
      this.length = length;
      if (length > 0 || Files.exists(file)) {
        channel = open(file, length);
      }
    }

    void append(String text) throws IOException {
      if (text.isEmpty()) {
        return;
      }
      if (channel == null) {
        channel = open(file, length);
      }
      writeFully(channel, text);
      channel.force(false);
    }

    long size() throws IOException {
      return channel == null ? 0 : channel.size();
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }
}
