package io.mlsys.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log file rotated by size: {@code access.log} is written (appended to when it exists); once it
 * has passed {@code maxBytes} at a {@link #flush()} it becomes {@code access.log.1}, the older ones
 * move up one ({@code .1} to {@code .2} ...) and the oldest beyond {@code maxFiles} is deleted.
 *
 * <p>Rotation happens at flushes only, so that with a writer that flushes after whole lines (as
 * {@link AsyncLogHandler} does after each batch) no line is split across two files; a file may
 * therefore pass {@code maxBytes} by what was written since the last flush. Not thread-safe: one
 * writer.
 */
final class RotatingFileOutputStream extends OutputStream {
  private final Path file;
  private final long maxBytes;
  private final int maxFiles;
  private OutputStream out;
  private long size;

  /**
   * @param maxBytes the size past which the file is rotated, >= 1
   * @param maxFiles how many files are kept, the one being written included, >= 1
   * @throws IOException when the file (or its folder) cannot be created or opened
   */
  RotatingFileOutputStream(Path file, long maxBytes, int maxFiles) throws IOException {
    if (maxBytes < 1 || maxFiles < 1) {
      throw new IllegalArgumentException(
          "maxBytes: " + maxBytes + ", maxFiles: " + maxFiles + " (expected: >= 1 each)");
    }
    this.file = file.toAbsolutePath();
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    Path folder = this.file.getParent();
    if (folder != null) {
      Files.createDirectories(folder);
    }
    open();
  }

  private void open() throws IOException {
    out =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    size = Files.size(file);
  }

  /** The n-th older file: {@code access.log.n}. */
  Path older(int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    size++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    size += length;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
    if (size >= maxBytes) {
      rotate();
    }
  }

  private void rotate() throws IOException {
    out.close();
    if (maxFiles == 1) {
      Files.delete(file);
    } else {
      Files.deleteIfExists(older(maxFiles - 1));
      for (int n = maxFiles - 2; n >= 1; n--) {
        if (Files.exists(older(n))) {
          Files.move(older(n), older(n + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, older(1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
