package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxRuntimeLibrariesTest {
  @TempDir Path nativeRoot;

  @Test
  void extractsTheLibrariesOnceIntoAFolderNamedByVersionAndPlatform() throws IOException {
    assumeTrue(OnnxRuntimeLibraries.platform() != null, "ONNX Runtime ships no library here");

    Path folder = OnnxRuntimeLibraries.extract(nativeRoot);

    assertThat(folder)
        .isEqualTo(
            nativeRoot.resolve(
                "onnxruntime-"
                    + OnnxRuntimeLibraries.version()
                    + "-"
                    + OnnxRuntimeLibraries.platform()));
    assertThat(OnnxRuntimeLibraries.version()).matches("[0-9]+\\.[0-9]+\\.[0-9]+.*");
    assertThat(folder.resolve(System.mapLibraryName("onnxruntime"))).isRegularFile();
    assertThat(folder.resolve(System.mapLibraryName("onnxruntime4j_jni"))).isRegularFile();
    try (Stream<Path> children = Files.list(nativeRoot)) {
      // Only the finished folder: the one it was extracted to first was renamed.
      assertThat(children).containsExactly(folder);
    }
  }

  @Test
  void aSecondStartReusesTheFolder() throws IOException {
    assumeTrue(OnnxRuntimeLibraries.platform() != null, "ONNX Runtime ships no library here");
    Path folder = OnnxRuntimeLibraries.extract(nativeRoot);
    Path library = folder.resolve(System.mapLibraryName("onnxruntime"));
    var extracted = Files.getLastModifiedTime(library);
    Files.writeString(folder.resolve("marker"), "kept");

    assertThat(OnnxRuntimeLibraries.extract(nativeRoot)).isEqualTo(folder);

    assertThat(folder.resolve("marker")).hasContent("kept");
    assertThat(Files.getLastModifiedTime(library)).isEqualTo(extracted);
  }
}
