package io.mlsys.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostBaseImageTest {
  @TempDir Path dir;

  @Test
  void lddLinesGiveTheLibrariesAndTheLoader() {
    String output =
        """
        /opt/jdk/bin/java:
        \tlinux-vdso.so.1 (0x00007ffd6e1f4000)
        \tlibjli.so => /opt/jdk/bin/../lib/libjli.so (0x00007f4e921ff000)
        \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f4e92014000)
        \t/lib64/ld-linux-x86-64.so.2 (0x00007f4e9222b000)
        /opt/jdk/lib/libawt_xawt.so:
        \tlibXext.so.6 => not found
        \tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f9c71720000)
        /opt/jdk/bin/jfr.sh:
        \tnot a dynamic executable
        """;

    assertThat(HostBaseImage.parseLdd(output))
        .containsExactly(
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib/x86_64-linux-gnu/libm.so.6",
            "/lib64/ld-linux-x86-64.so.2",
            "/opt/jdk/bin/../lib/libjli.so");
  }

  @Test
  void theRuntimeIsCopiedWithoutSourcesHeadersAndManuals() throws Exception {
    for (String file :
        new String[] {
          "bin/java",
          "lib/modules",
          "lib/server/libjvm.so",
          "lib/src.zip",
          "include/jni.h",
          "man/man1/java.1",
          "release"
        }) {
      Files.createDirectories(dir.resolve(file).getParent());
      Files.writeString(dir.resolve(file), file);
    }

    assertThat(HostBaseImage.javaFiles(dir))
        .containsExactly(
            dir.resolve("bin/java"),
            dir.resolve("lib/modules"),
            dir.resolve("lib/server/libjvm.so"),
            dir.resolve("release"));
  }
}
