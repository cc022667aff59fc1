package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileOutputStreamTest {
  @TempDir Path folder;

  private static void writeLine(RotatingFileOutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file);
  }

  @Test
  void fileIsRotatedOncePastItsSizeAndOldestDropped() throws IOException {
    Path file = folder.resolve("logs/access.log");
    try (RotatingFileOutputStream out = new RotatingFileOutputStream(file, 10, 3)) {
      for (int i = 1; i <= 5; i++) {
        writeLine(out, "line-" + i + "-xx"); // 10 bytes: each line fills a file
      }
      writeLine(out, "tail");
    }

    assertThat(read(file)).isEqualTo("tail\n");
    assertThat(read(folder.resolve("logs/access.log.1"))).isEqualTo("line-5-xx\n");
    assertThat(read(folder.resolve("logs/access.log.2"))).isEqualTo("line-4-xx\n");
    assertThat(folder.resolve("logs/access.log.3")).doesNotExist();
  }

  @Test
  void linesAreNeverSplitAcrossFiles() throws IOException {
    Path file = folder.resolve("access.log");
    try (RotatingFileOutputStream out = new RotatingFileOutputStream(file, 16, 5)) {
      writeLine(out, "a".repeat(10));
      writeLine(out, "b".repeat(10)); // passes 16 bytes: rotated after this whole line
      writeLine(out, "c".repeat(10));
    }

    assertThat(read(folder.resolve("access.log.1")))
        .isEqualTo("a".repeat(10) + "\n" + "b".repeat(10) + "\n");
    assertThat(read(file)).isEqualTo("c".repeat(10) + "\n");
  }

  @Test
  void existingFileIsAppendedToAndCountsTowardsItsSize() throws IOException {
    Path file = folder.resolve("access.log");
    Files.writeString(file, "old-line-123\n");
    try (RotatingFileOutputStream out = new RotatingFileOutputStream(file, 20, 2)) {
      writeLine(out, "new-line-45");
    }

    assertThat(read(folder.resolve("access.log.1"))).isEqualTo("old-line-123\nnew-line-45\n");
    assertThat(read(file)).isEmpty();
  }

  @Test
  void oneFileIsTruncatedWhenFull() throws IOException {
    Path file = folder.resolve("access.log");
    try (RotatingFileOutputStream out = new RotatingFileOutputStream(file, 10, 1)) {
      writeLine(out, "0123456789");
      writeLine(out, "next");
    }

    assertThat(read(file)).isEqualTo("next\n");
    assertThat(folder.resolve("access.log.1")).doesNotExist();
  }
}
