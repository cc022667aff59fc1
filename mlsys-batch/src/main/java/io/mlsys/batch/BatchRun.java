package io.mlsys.batch;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One batch prediction run: the rows of a {@link RowSource} (fields in the model's input order)
 * predicted in chunks through an in-process model, the answers written to a {@link RowSink} ({@code
 * row}, then the outputs' values) as each chunk completes, unreadable or failed rows to a reject
 * sink ({@code row,error,line}).
 *
 * <h2>A pipeline of two threads</h2>
 *
 * The calling thread runs the model; one I/O thread reads rows (parsing them straight into the
 * model's input arrays) and formats and writes the answers that come back, keeping at most {@value
 * #BATCHES_IN_FLIGHT} batches between reading and writing. The model is the costly step, so with
 * the I/O beside it a run approaches the model's own rate ({@code BatchRowsBenchmark}). Reading and
 * writing share a thread because on two cores a third busy thread made the other two wait for a
 * core: the model stood idle a quarter to a third of the time, waiting for a reader that was ready
 * to run but not running (bench/README.md, "Batch prediction").
 *
 * <h2>Exactly once across kills</h2>
 *
 * After each chunk both sinks make their rows durable (a forced file, a committed transaction, a
 * renamed Parquet part), then a {@link Checkpoint} records the rows done and both sinks' positions.
 * A run that finds a checkpoint for the same source and model cuts the sinks back to those
 * positions and starts at the next row: a run killed at any point (SIGKILL included) and started
 * again with the same command ends with every input row in the sink or the reject sink exactly
 * once. The checkpoint is deleted when the run completes.
 */
public final class BatchRun {
  /** Batches read and not yet written, at most (waiting for the model, in it, or written next). */
  static final int BATCHES_IN_FLIGHT = 8;

  /** Below this many batches waiting for the model, the I/O thread reads before it writes. */
  static final int MODEL_QUEUE_LOW = 2;

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
   * Predicts every row of a CSV file into a CSV file (the flag form), resuming from the checkpoint
   * ({@code <output>.checkpoint}) an earlier run of the same input and model left; rejects go to
   * {@link #rejectsOf}.
   *
   * @throws BatchException when the input cannot be read as rows of the model, the checkpoint is
   *     for another input or model, or the model fails beyond the failure policy (the checkpoint
   *     stays: the same command resumes)
   */
  public BatchReport run(Path input, Path output, BatchProgress progress) throws IOException {
    return run(
        SourceSpec.ofCsv(input, options.header()),
        SinkSpec.ofCsv(output),
        SinkSpec.ofCsv(rejectsOf(output)),
        Checkpoint.fileOf(output),
        progress);
  }

  /**
   * Predicts every row of {@code source} into {@code sink}, resuming from {@code checkpoint} when
   * an earlier run of the same source and model left one there.
   *
   * @param rejects where unreadable and failed rows go
   * @param checkpoint the checkpoint file; its lock file ({@code .lock} for {@code .checkpoint})
   *     keeps a second run out while this one writes
   * @throws BatchException as {@link #run(Path, Path, BatchProgress)}
   */
  public BatchReport run(
      SourceSpec source, SinkSpec sink, SinkSpec rejects, Path checkpoint, BatchProgress progress)
      throws IOException {
    long started = clock.millis();
    try (RowSource rows = openSource(source)) {
      Path lockFile = lockOf(checkpoint);
      OutputLock lock =
          OutputLock.take(
              lockFile, sink.path() != null ? sink.path().toString() : sink.jdbc().describe());
      try (RowSink out = openSink(sink, false);
          RowSink rejected = openSink(rejects, true)) {
        return run(rows, out, rejected, checkpoint, progress, started);
      } finally {
        lock.close();
      }
    }
  }

  static Path lockOf(Path checkpoint) {
    String name = checkpoint.getFileName().toString();
    String stem = name.endsWith(".checkpoint") ? name.substring(0, name.length() - 11) : name;
    return checkpoint.resolveSibling(stem + ".lock");
  }

  private RowSource openSource(SourceSpec spec) throws IOException {
    if (spec.csv() != null) {
      Boolean header = spec.header() != null ? spec.header() : options.header();
      return new CsvSource(spec.csv(), header, codec::looksLikeHeader);
    }
    if (spec.jsonl() != null) {
      return new JsonlSource(spec.jsonl(), spec.columns());
    }
    if (spec.parquet() != null) {
      return JdbcSource.parquet(spec.parquet(), spec.columns(), parquetIdentity(spec.parquet()));
    }
    return JdbcSource.of(spec.jdbc(), spec.columns());
  }

  private static String parquetIdentity(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new BatchException("input " + path + ": no such file or folder");
    }
    StringBuilder identity = new StringBuilder("parquet ").append(path);
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (var list = Files.list(path)) {
        list.filter(p -> p.getFileName().toString().endsWith(".parquet"))
            .sorted()
            .forEach(files::add);
      }
    } else {
      files.add(path);
    }
    for (Path file : files) {
      identity
          .append(' ')
          .append(file.getFileName())
          .append(':')
          .append(Files.size(file))
          .append(':')
          .append(Files.getLastModifiedTime(file).toMillis());
    }
    return identity.toString();
  }

  private static RowSink openSink(SinkSpec spec, boolean rejects) {
    if (spec.csv() != null) {
      // A CSV reject file has no header: row,error,line as the docs say (and as earlier runs
      // wrote).
      return new CsvSink(spec.csv(), !rejects);
    }
    if (spec.jsonl() != null) {
      return new JsonlSink(spec.jsonl());
    }
    if (spec.parquet() != null) {
      return new ParquetSink(spec.parquet());
    }
    return new JdbcSink(spec.jdbc());
  }

  private String modelName() {
    return metadata.name() + (metadata.version() == null ? "" : ":" + metadata.version());
  }

  private BatchReport run(
      RowSource source,
      RowSink sink,
      RowSink rejects,
      Path checkpointFile,
      BatchProgress progress,
      long started)
      throws IOException {
    String model = modelName();
    Checkpoint resumeFrom = null;
    if (Files.exists(checkpointFile)) {
      resumeFrom = Checkpoint.read(checkpointFile);
      if (!resumeFrom.source().equals(source.identity()) || !resumeFrom.model().equals(model)) {
        throw new BatchException(
            checkpointFile
                + " is from a run of "
                + resumeFrom.source()
                + " with "
                + resumeFrom.model()
                + "; the input or the model changed since (now "
                + source.identity()
                + ", "
                + model
                + "): delete it to start the run over");
      }
    }
    Writer writer = new Writer(sink, rejects, checkpointFile, progress, resumeFrom, source);
    writer.openForResume();
    source.open(
        resumeFrom == null ? 0 : resumeFrom.rowsDone(),
        resumeFrom == null ? null : resumeFrom.header());
    writer.header = source.header();
    Pipeline pipeline = new Pipeline();
    UnitReader reader = new UnitReader(source, writer.rowsDone);
    Thread io =
        Thread.ofPlatform()
            .name("batch-io")
            .daemon()
            .start(() -> pipeline.stage(() -> readAndWrite(reader, writer, pipeline)));
    pipeline.stage(() -> predictAll(pipeline));
    join(io);
    pipeline.rethrow();
    writer.finish();
    Files.deleteIfExists(checkpointFile);
    return new BatchReport(
        writer.rowsDone,
        writer.predicted,
        writer.rejectedRows,
        writer.resumedAt,
        Duration.ofMillis(clock.millis() - started));
  }

  private static void join(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Rows on their way: a model call's rows, the rows rejected since the last one, and whether a
   * chunk ends after them.
   */
  private static final class Unit {
    static final Unit END = new Unit();

    InferRequest request;
    long[] numbers = new long[0];
    int size;
    List<String[]> fields;
    final List<String[]> rejects = new ArrayList<>();
    boolean endsChunk;
    long rowsDone;
    double fraction;
    InferResponse response;
    InferResponse[] perRow;
  }

  /**
   * The queues between the two threads, and the first failure of either. The I/O thread puts no
   * more than {@value #BATCHES_IN_FLIGHT} units in flight, so neither queue ever holds more.
   */
  private static final class Pipeline {
    final BlockingQueue<Unit> toModel = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT + 1);
    final BlockingQueue<Unit> toWriter = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT + 1);
    private volatile Throwable failure;

    interface Stage {
      void run() throws Exception;
    }

    void stage(Stage stage) {
      try {
        stage.run();
      } catch (Throwable e) {
        synchronized (this) {
          if (failure == null) {
            failure = e;
          }
        }
      }
    }

    boolean failed() {
      return failure != null;
    }

    /** Hands a unit on; gives up when another stage failed (it would never be taken). */
    void put(BlockingQueue<Unit> queue, Unit unit) throws InterruptedException {
      while (!queue.offer(unit, 50, TimeUnit.MILLISECONDS)) {
        if (failed()) {
          throw new StageStopped();
        }
      }
    }

    Unit take(BlockingQueue<Unit> queue) throws InterruptedException {
      Unit unit;
      while ((unit = queue.poll(50, TimeUnit.MILLISECONDS)) == null) {
        if (failed()) {
          throw new StageStopped();
        }
      }
      return unit;
    }

    void rethrow() throws IOException {
      Throwable e = failure;
      if (e == null) {
        return;
      }
      if (e instanceof UncheckedIOException unchecked) {
        throw unchecked.getCause();
      }
      if (e instanceof IOException io) {
        throw io;
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e instanceof Error error) {
        throw error;
      }
      throw new BatchException(e.toString(), e);
    }
  }

  /** Another stage failed: this one stops without a failure of its own. */
  private static final class StageStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StageStopped() {
      super(null, null, false, false);
    }
  }

  /**
   * The I/O thread: reads a unit whenever fewer than {@value #BATCHES_IN_FLIGHT} are in flight and
   * the model has fewer than {@value #MODEL_QUEUE_LOW} waiting, else writes an answered one, and
   * waits only when it can do neither.
   */
  private void readAndWrite(UnitReader reader, Writer writer, Pipeline pipeline) throws Exception {
    int inFlight = 0;
    boolean readAll = false;
    while (true) {
      boolean canRead = !readAll && inFlight < BATCHES_IN_FLIGHT;
      // The model first: it is the costly stage, and while it waits for rows its time is lost;
      // answers can wait for their turn to be written (at most BATCHES_IN_FLIGHT of them).
      Unit answered =
          canRead && pipeline.toModel.size() < MODEL_QUEUE_LOW ? null : pipeline.toWriter.poll();
      if (answered == null && canRead) {
        Unit unit = reader.next();
        if (unit == null) {
          readAll = true;
          pipeline.put(pipeline.toModel, Unit.END);
        } else {
          pipeline.put(pipeline.toModel, unit);
          inFlight++;
        }
        continue;
      }
      if (answered == null) {
        answered = pipeline.take(pipeline.toWriter);
      }
      if (answered == Unit.END) {
        return;
      }
      writer.write(answered);
      inFlight--;
    }
  }

  /** Rows into model calls, a unit per call, chunk ends marked. */
  private final class UnitReader {
    private final RowSource source;
    private final boolean keepFields = options.failures() == FailurePolicy.ROWS;
    private long rowNumber;
    private long chunkEnd;
    private boolean ended;

    UnitReader(RowSource source, long rowsDone) {
      this.source = source;
      this.rowNumber = rowsDone;
      this.chunkEnd = rowsDone + options.chunkRows();
    }

    /** The next model call's rows (a unit that ends a chunk may hold none), or null at the end. */
    Unit next() throws IOException {
      try {
        return read();
      } catch (com.fasterxml.jackson.core.JacksonException e) {
        throw new BatchException("input: not readable (" + e.getOriginalMessage() + ")", e);
      }
    }

    private Unit read() throws IOException {
      if (ended) {
        return null;
      }
      RowCodec.Batch batch = codec.batch(options.batchRows());
      Unit unit = newUnit(keepFields);
      RowSource.Row row;
      while ((row = source.next()) != null) {
        rowNumber++;
        if (row.fields() == null) {
          unit.rejects.add(new String[] {Long.toString(rowNumber), row.problem(), row.describe()});
        } else {
          String problem = batch.add(row.fields());
          if (problem != null) {
            unit.rejects.add(new String[] {Long.toString(rowNumber), problem, row.describe()});
          } else {
            unit.numbers[unit.size++] = rowNumber;
            if (keepFields) {
              unit.fields.add(row.fields());
            }
          }
        }
        boolean chunkDone = rowNumber == chunkEnd;
        if (batch.full() || chunkDone) {
          unit.request = batch.size() == 0 ? null : batch.request();
          unit.endsChunk = chunkDone;
          unit.rowsDone = rowNumber;
          unit.fraction = source.fraction();
          if (chunkDone) {
            chunkEnd += options.chunkRows();
          }
          return unit;
        }
      }
      ended = true;
      if (rowNumber > chunkEnd - options.chunkRows()) {
        // The last chunk, shorter than the others.
        unit.request = batch.size() == 0 ? null : batch.request();
        unit.endsChunk = true;
        unit.rowsDone = rowNumber;
        unit.fraction = 1;
        return unit;
      }
      return null;
    }
  }

  private Unit newUnit(boolean keepFields) {
    Unit unit = new Unit();
    unit.numbers = new long[options.batchRows()];
    unit.fields = keepFields ? new ArrayList<>(options.batchRows()) : null;
    return unit;
  }

  /** The model stage, on the calling thread. */
  private void predictAll(Pipeline pipeline) throws Exception {
    try {
      Unit unit;
      while ((unit = pipeline.take(pipeline.toModel)) != Unit.END) {
        if (unit.request != null) {
          predict(unit);
        }
        pipeline.put(pipeline.toWriter, unit);
      }
    } finally {
      if (!pipeline.failed()) {
        pipeline.put(pipeline.toWriter, Unit.END);
      }
    }
  }

  /** Calls the model, retrying per the policy; under {@code rows}, row by row when all fails. */
  private void predict(Unit unit) {
    RuntimeException last = null;
    int attempts = options.failures() == FailurePolicy.NONE ? 1 : options.retries() + 1;
    for (int attempt = 0; attempt < attempts; attempt++) {
      try {
        unit.response = predictor.infer(unit.request, context());
        return;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    if (options.failures() != FailurePolicy.ROWS) {
      throw new BatchException(
          "rows "
              + unit.numbers[0]
              + " to "
              + unit.numbers[unit.size - 1]
              + ": the model failed"
              + (attempts > 1 ? " " + attempts + " times" : "")
              + " ("
              + message(last)
              + "); the run stopped there, and the same command resumes it",
          last);
    }
    // The policy is rows: each row alone; the ones that still fail are rejected.
    unit.perRow = new InferResponse[unit.size];
    for (int i = 0; i < unit.size; i++) {
      RowCodec.Batch one = codec.batch(1);
      one.add(unit.fields.get(i));
      try {
        unit.perRow[i] = predictor.infer(one.request(), context());
      } catch (RuntimeException e) {
        unit.rejects.add(
            new String[] {
              Long.toString(unit.numbers[i]), message(e), String.join(",", unit.fields.get(i))
            });
      }
    }
  }

  /** The writer stage: answers and rejects into the sinks, a checkpoint after each chunk. */
  private final class Writer {
    private final RowSink sink;
    private final RowSink rejects;
    private final Path checkpointFile;
    private final BatchProgress progress;
    private final Checkpoint resumeFrom;
    private final RowSource source;
    private Columns columns;
    private String sinkPosition;
    private String rejectPosition;
    boolean header;
    long rowsDone;
    long predicted;
    long rejectedRows;
    final long resumedAt;

    Writer(
        RowSink sink,
        RowSink rejects,
        Path checkpointFile,
        BatchProgress progress,
        Checkpoint resumeFrom,
        RowSource source) {
      this.sink = sink;
      this.rejects = rejects;
      this.checkpointFile = checkpointFile;
      this.progress = progress;
      this.resumeFrom = resumeFrom;
      this.source = source;
      if (resumeFrom != null) {
        rowsDone = resumeFrom.rowsDone();
        predicted = resumeFrom.predicted();
        rejectedRows = resumeFrom.rejected();
        columns = resumeFrom.sinkColumns();
        sinkPosition = resumeFrom.sinkPosition();
        rejectPosition = resumeFrom.rejectPosition();
      }
      resumedAt = rowsDone;
    }

    /**
     * Cuts the sinks back to the checkpoint before anything is written, so that what a killed run
     * wrote after its last checkpoint goes even if this run writes nothing more there; a fresh run
     * empties sinks an earlier run filled.
     */
    void openForResume() throws IOException {
      if (resumeFrom != null && columns != null) {
        sink.open(columns, sinkPosition);
      } else if (resumeFrom == null && sink.exists() && columns != null) {
        sink.open(columns, null);
      }
      if (rejectPosition != null || rejects.exists()) {
        rejects.open(Columns.REJECTS, rejectPosition);
      }
    }

    void write(Unit unit) throws IOException {
      if (unit.response != null) {
        writeRows(unit.response, unit.numbers, 0, unit.size);
      } else if (unit.perRow != null) {
        for (int i = 0; i < unit.size; i++) {
          if (unit.perRow[i] != null) {
            writeRows(unit.perRow[i], unit.numbers, i, 1);
          }
        }
      }
      if (!unit.rejects.isEmpty()) {
        if (!rejects.isOpen()) {
          rejects.open(Columns.REJECTS, rejectPosition);
        }
        for (String[] reject : unit.rejects) {
          rejects.write(reject);
        }
        rejectedRows += unit.rejects.size();
      }
      if (unit.endsChunk) {
        rowsDone = unit.rowsDone;
        if (sink.isOpen()) {
          sinkPosition = sink.commit();
        }
        if (rejects.isOpen()) {
          rejectPosition = rejects.commit();
        }
        new Checkpoint(
                Checkpoint.VERSION,
                source.identity(),
                modelName(),
                header,
                rowsDone,
                predicted,
                rejectedRows,
                Checkpoint.names(columns),
                columns == null ? null : columns.kinds(),
                sinkPosition,
                rejectPosition)
            .write(checkpointFile);
        progress.chunkDone(rowsDone, predicted, rejectedRows, unit.fraction);
      }
    }

    private void writeRows(InferResponse response, long[] numbers, int from, int count)
        throws IOException {
      if (!sink.isOpen()) {
        Columns answered = OutputColumns.columns(response, metadata);
        if (columns != null && !columns.names().equals(answered.names())) {
          throw new BatchException(
              "the model's outputs changed since the run started (now "
                  + answered.names()
                  + ", the sink holds "
                  + columns.names()
                  + ")");
        }
        columns = answered;
        sink.open(columns, sinkPosition);
      }
      OutputColumns.Decoded decoded = OutputColumns.decode(response);
      int width = columns.size();
      for (int r = 0; r < count; r++) {
        sink.write(decoded.row(r, numbers[from + r], width));
      }
      predicted += count;
    }

    /** After the last chunk: a sink that got no row still gets its header. */
    void finish() throws IOException {
      if (!sink.isOpen()) {
        columns = columns != null ? columns : OutputColumns.empty(metadata);
        sink.open(columns, sinkPosition);
        sink.commit();
      }
    }
  }

  private CallContext context() {
    return CallContext.of(clock);
  }

  private static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * The lock file beside the checkpoint ({@code <output>.lock}), held while a run writes: a second
   * run of the same output would interleave chunks, so it is refused. The operating system releases
   * the lock when the process dies, SIGKILL included; the empty file stays.
   */
  private record OutputLock(FileChannel channel, java.nio.channels.FileLock lock)
      implements AutoCloseable {
    static OutputLock take(Path file, String output) throws IOException {
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
}
