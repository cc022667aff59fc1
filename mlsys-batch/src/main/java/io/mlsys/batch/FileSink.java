package io.mlsys.batch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A sink that appends lines to a file (CSV, JSONL): a chunk is encoded into memory, appended and
 * forced to disk at {@link #commit}; its position is the file's length, to which a resumed run cuts
 * the file back.
 */
abstract class FileSink implements RowSink {
  private final Path file;
  private FileChannel channel;
  protected Columns columns;
  private byte[] buffer = new byte[1 << 16];
  private int length;

  FileSink(Path file) {
    this.file = file;
  }

  @Override
  public String describe() {
    return file.toString();
  }

  Path file() {
    return file;
  }

  @Override
  public boolean exists() {
    return Files.exists(file);
  }

  @Override
  public void open(Columns newColumns, String position) throws IOException {
    this.columns = newColumns;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    long keep = position == null ? 0 : Long.parseLong(position);
    if (channel.size() < keep) {
      throw new BatchException(
          file
              + " holds "
              + channel.size()
              + " bytes, fewer than the "
              + keep
              + " its checkpoint recorded: it was changed since; delete the checkpoint to start over");
    }
    // What was written after the checkpoint is cut off and written again.
    channel.truncate(keep);
    channel.position(keep);
    if (keep == 0) {
      writeHeader();
    }
  }

  @Override
  public boolean isOpen() {
    return channel != null;
  }

  /** Adds the file's header, if its format has one, to the first chunk. */
  protected abstract void writeHeader() throws IOException;

  @Override
  public String commit() throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, length);
    while (bytes.hasRemaining()) {
      channel.write(bytes);
    }
    length = 0;
    channel.force(false);
    return Long.toString(channel.size());
  }

  /** Room for {@code n} more bytes. */
  protected final void ensure(int n) {
    if (length + n > buffer.length) {
      buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
    }
  }

  protected final void put(byte b) {
    ensure(1);
    buffer[length++] = b;
  }

  /** Appends text as UTF-8; ASCII without a detour through a byte array. */
  protected final void put(String text) {
    int n = text.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        putSlow(text, i);
        return;
      }
      buffer[length++] = (byte) c;
    }
  }

  private void putSlow(String text, int from) {
    byte[] bytes = text.substring(from).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, length, bytes.length);
    length += bytes.length;
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
