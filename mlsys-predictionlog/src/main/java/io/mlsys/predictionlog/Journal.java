package io.mlsys.predictionlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One sink's spill journal: append-only segment files of event JSON lines ({@code
 * <sequence>.jsonl}) in a folder of the data directory, replayed oldest first. Segments left by an
 * earlier run are picked up when the journal opens, so events spilled before a restart are still
 * delivered.
 *
 * <p>Not thread-safe: the sink's {@link SinkChannel} calls it under its lock, except {@link #read}
 * of a segment {@link #takeOldest} has sealed (nothing appends to a sealed segment).
 */
final class Journal {
  /** A segment takes appends until it holds this much; a replay sends one segment as one batch. */
  static final long SEGMENT_BYTES = 1024 * 1024;

  // Sequence numbers start high so that batches spilled in front of the journal (older events
  // than its content, see prepend) still sort first.
  private static final long FIRST_SEQUENCE = 1_000_000_000_000L;
  private static final Pattern NAME = Pattern.compile("(\\d{1,19})\\.jsonl");

  /** The disk budget shared by every sink's journal. */
  static final class Budget {
    private final long maxBytes;
    private final AtomicLong used = new AtomicLong();

    Budget(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    boolean tryReserve(long bytes) {
      while (true) {
        long now = used.get();
        if (now + bytes > maxBytes) {
          return false;
        }
        if (used.compareAndSet(now, now + bytes)) {
          return true;
        }
      }
    }

    /** Reserves even beyond the budget: for events already taken that must not be lost. */
    void force(long bytes) {
      used.addAndGet(bytes);
    }

    void release(long bytes) {
      used.addAndGet(-bytes);
    }

    long used() {
      return used.get();
    }
  }

  static final class Segment {
    final long sequence;
    final Path file;
    final Instant created;
    long bytes;
    boolean sealed;

    Segment(long sequence, Path file, Instant created, long bytes) {
      this.sequence = sequence;
      this.file = file;
      this.created = created;
      this.bytes = bytes;
    }
  }

  private final Path dir;
  private final Budget budget;
  private final Clock clock;
  private final TreeMap<Long, Segment> segments = new TreeMap<>();

  Journal(Path dir, Budget budget, Clock clock) {
    this.dir = dir;
    this.budget = budget;
    this.clock = clock;
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Matcher matcher = NAME.matcher(file.getFileName().toString());
          if (matcher.matches()) {
            long bytes = Files.size(file);
            Segment segment =
                new Segment(
                    Long.parseLong(matcher.group(1)),
                    file,
                    Files.getLastModifiedTime(file).toInstant(),
                    bytes);
            // From an earlier run: replay it as it is, append only to new segments.
            segment.sealed = true;
            segments.put(segment.sequence, segment);
            budget.force(bytes);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("prediction log journal " + dir + ": " + e.getMessage(), e);
    }
  }

  boolean isEmpty() {
    return segments.isEmpty();
  }

  long bytes() {
    return segments.values().stream().mapToLong(segment -> segment.bytes).sum();
  }

  /** When the oldest segment was started; null when the journal is empty. */
  Instant oldest() {
    return segments.isEmpty() ? null : segments.firstEntry().getValue().created;
  }

  /**
   * Appends lines after everything in the journal, within the budget.
   *
   * @return the bytes written; 0 when the budget has no room (nothing was written)
   * @throws UncheckedIOException when the disk fails (nothing reserved)
   */
  long append(List<String> lines) {
    byte[] bytes = encode(lines);
    if (!budget.tryReserve(bytes.length)) {
      return 0;
    }
    try {
      Segment tail = segments.isEmpty() ? null : segments.lastEntry().getValue();
      if (tail == null || tail.sealed || tail.bytes >= SEGMENT_BYTES) {
        long sequence = tail == null ? FIRST_SEQUENCE : tail.sequence + 1;
        tail = newSegment(sequence);
      }
      write(tail, bytes);
      return bytes.length;
    } catch (IOException e) {
      budget.release(bytes.length);
      throw new UncheckedIOException("prediction log journal " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes lines in front of everything in the journal: events a sink failed to take, which are
   * older than what the journal holds. They are taken already, so the budget may be exceeded.
   *
   * @return the bytes written
   */
  long prepend(List<String> lines) {
    byte[] bytes = encode(lines);
    budget.force(bytes.length);
    try {
      long sequence = segments.isEmpty() ? FIRST_SEQUENCE : segments.firstKey() - 1;
      Segment head = newSegment(sequence);
      head.sealed = true;
      write(head, bytes);
      return bytes.length;
    } catch (IOException e) {
      budget.release(bytes.length);
      throw new UncheckedIOException("prediction log journal " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The oldest segment, sealed so that no append goes into it while it is replayed. */
  Segment takeOldest() {
    Map.Entry<Long, Segment> first = segments.firstEntry();
    if (first == null) {
      return null;
    }
    first.getValue().sealed = true;
    return first.getValue();
  }

  /** The lines of a sealed segment; a torn last line (a crash mid-write) comes back as is. */
  static List<String> read(Segment segment) {
    try {
      return new ArrayList<>(Files.readAllLines(segment.file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("prediction log journal " + segment.file, e);
    }
  }

  /** Deletes a replayed segment. */
  void remove(Segment segment) {
    try {
      Files.deleteIfExists(segment.file);
    } catch (IOException e) {
      throw new UncheckedIOException("prediction log journal " + segment.file, e);
    }
    segments.remove(segment.sequence);
    budget.release(segment.bytes);
  }

  private Segment newSegment(long sequence) {
    Segment segment =
        new Segment(
            sequence, dir.resolve(String.format("%019d.jsonl", sequence)), clock.instant(), 0);
    segments.put(sequence, segment);
    return segment;
  }

  private static void write(Segment segment, byte[] bytes) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            segment.file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      // The journal is the durability point of a spilled event: on disk, not in the page cache.
      channel.force(false);
    }
    segment.bytes += bytes.length;
  }

  private static byte[] encode(List<String> lines) {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append(line).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }
}
