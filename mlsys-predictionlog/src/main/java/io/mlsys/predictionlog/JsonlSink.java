package io.mlsys.predictionlog;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Events as JSON lines in rotating files: {@code predictions-<opened>-<n>.jsonl} under a folder,
 * {@code <opened>} the UTC time the file was started ({@code 20261207T115548.123Z}), so file names
 * sort by age. A file is closed when it reaches {@code max-file-bytes} or, at the next write, is
 * {@code max-file-age} old; closed files past {@code max-age} are deleted, then the oldest while
 * all of them hold more than {@code max-total-bytes}. A write returns once the lines are handed to
 * the operating system (flushed, not forced to disk).
 */
final class JsonlSink implements EventSink {
  static final String NAME = "jsonl";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern FILE =
      Pattern.compile("predictions-(\\d{8}T\\d{6}\\.\\d{3}Z)-(\\d+)\\.jsonl");

  private final JsonlSinkConfig config;
  private final Clock clock;
  private CountingStream out;
  private Path current;
  private Instant opened;
  private long bytes;

  private JsonlSink(JsonlSinkConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  static JsonlSink open(JsonlSinkConfig config, Clock clock) {
    try {
      Files.createDirectories(config.dir());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "prediction-log.jsonl.dir: cannot create " + config.dir() + ": " + e.getMessage(), e);
    }
    return new JsonlSink(config, clock);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void write(List<PredictionEvent> batch) throws IOException {
    Instant now = clock.instant();
    if (out != null
        && (bytes >= config.maxFileBytes() || !now.isBefore(opened.plus(config.maxFileAge())))) {
      rotate(now);
    }
    if (out == null) {
      openNew(now);
    }
    try {
      for (PredictionEvent event : batch) {
        // Straight into the file's buffer: the tensors' JSON is copied, not turned into a String.
        long before = out.count;
        event.writeJson(out);
        out.write('\n');
        bytes += out.count - before;
        if (bytes >= config.maxFileBytes()) {
          rotate(now);
          openNew(now);
        }
      }
      out.flush();
    } catch (IOException e) {
      // The batch comes again from the journal; start it in a fresh file rather than after a
      // half-written line.
      abandon();
      throw e;
    }
  }

  private void abandon() {
    OutputStream broken = out;
    out = null;
    current = null;
    if (broken != null) {
      try {
        broken.close();
      } catch (IOException ignored) {
        // Already failing: the write's exception is the one reported.
      }
    }
  }

  @Override
  public void maintain(Instant now) throws IOException {
    applyRetention(now);
  }

  private void openNew(Instant now) throws IOException {
    String stamp = STAMP.format(now);
    int n = 1;
    Path file;
    do {
      file = config.dir().resolve("predictions-" + stamp + "-" + n + ".jsonl");
      n++;
    } while (Files.exists(file));
    out =
        new CountingStream(
            new BufferedOutputStream(
                Files.newOutputStream(
                    file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                64 * 1024));
    current = file;
    opened = now;
    bytes = 0;
  }

  private void rotate(Instant now) throws IOException {
    OutputStream closing = out;
    out = null;
    current = null;
    closing.close();
    applyRetention(now);
  }

  /** The files of this sink, oldest first (their names sort by when they were opened). */
  List<Path> files() throws IOException {
    try (Stream<Path> listing = Files.list(config.dir())) {
      return listing
          .filter(file -> FILE.matcher(file.getFileName().toString()).matches())
          .sorted((a, b) -> compareNames(a.getFileName().toString(), b.getFileName().toString()))
          .toList();
    }
  }

  private static int compareNames(String a, String b) {
    Matcher ma = FILE.matcher(a);
    Matcher mb = FILE.matcher(b);
    ma.matches();
    mb.matches();
    int byStamp = ma.group(1).compareTo(mb.group(1));
    return byStamp != 0
        ? byStamp
        : Long.compare(Long.parseLong(ma.group(2)), Long.parseLong(mb.group(2)));
  }

  private void applyRetention(Instant now) throws IOException {
    List<Path> closedFiles = new ArrayList<>();
    long total = 0;
    for (Path file : files()) {
      total += Files.size(file);
      if (!file.equals(current)) {
        closedFiles.add(file);
      }
    }
    Instant oldestKept = now.minus(config.maxAge());
    for (Path file : closedFiles) {
      Matcher matcher = FILE.matcher(file.getFileName().toString());
      matcher.matches();
      Instant fileOpened = STAMP.parse(matcher.group(1), Instant::from);
      if (fileOpened.isBefore(oldestKept) || total > config.maxTotalBytes()) {
        total -= Files.size(file);
        Files.deleteIfExists(file);
      }
    }
  }

  @Override
  public void close() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException("prediction log: closing " + current, e);
      } finally {
        out = null;
      }
    }
  }

  /** Counts the bytes written through it, for rotation by size. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
