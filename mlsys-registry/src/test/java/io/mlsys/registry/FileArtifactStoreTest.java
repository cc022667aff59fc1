package io.mlsys.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.testing.ManualClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileArtifactStoreTest {
  @TempDir Path dir;

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");

  private FileArtifactStore store() {
    return new FileArtifactStore(dir.resolve("store"), clock, Duration.ofHours(1));
  }

  private Path folder(String name, String... files) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    for (int i = 0; i < files.length; i += 2) {
      Path file = folder.resolve(files[i]);
      Files.createDirectories(file.getParent());
      Files.writeString(file, files[i + 1]);
    }
    return folder;
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theDigestIsTheSha256OfTheSortedListingOfFileDigests() throws Exception {
    FileArtifactStore store = store();
    String digest = store.put(folder("a", "model.onnx", "weights", "sub/labels.json", "{}"), null);
    String listing = sha256("weights") + "  model.onnx\n" + sha256("{}") + "  sub/labels.json\n";
    assertThat(digest).isEqualTo("sha256:" + sha256(listing));
    Path opened = store.open(digest);
    assertThat(Files.readString(opened.resolve("sub/labels.json"))).isEqualTo("{}");
  }

  @Test
  void aFileIsStoredAsAFolderHoldingItAndTheSameContentOnce() throws Exception {
    FileArtifactStore store = store();
    Path file = Files.writeString(dir.resolve("iris.onnx"), "weights");
    String fromFile = store.put(file, "model.onnx");
    String fromFolder = store.put(folder("b", "model.onnx", "weights"), null);
    assertThat(fromFile).isEqualTo(fromFolder);
    assertThat(Files.readString(store.open(fromFile).resolve("model.onnx"))).isEqualTo("weights");
    try (Stream<Path> stored = Files.list(dir.resolve("store/sha256"))) {
      assertThat(stored).hasSize(1);
    }
    try (Stream<Path> tmp = Files.list(dir.resolve("store/tmp"))) {
      assertThat(tmp).isEmpty();
    }
    assertThat(store.put(folder("c", "model.onnx", "other"), null)).isNotEqualTo(fromFile);
  }

  @Test
  void openVerifiesTheFilesAgainstTheDigest() throws Exception {
    FileArtifactStore store = store();
    String digest = store.put(folder("a", "model.onnx", "weights"), null);
    Files.writeString(store.open(digest).resolve("model.onnx"), "tampered");
    assertThatThrownBy(() -> store.open(digest))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("no longer match its digest");
    assertThatThrownBy(() -> store.open("sha256:" + "0".repeat(64)))
        .isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> store.open("sha256:../../etc"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("digest:");
  }

  @Test
  void refusesSymbolicLinksInAnArtifact() throws Exception {
    FileArtifactStore store = store();
    Path secret = Files.writeString(dir.resolve("secret.txt"), "password");
    Path source = folder("a", "model.onnx", "weights");
    Files.createSymbolicLink(source.resolve("leak.txt"), secret);
    assertThatThrownBy(() -> store.put(source, null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("symbolic link");
    try (Stream<Path> tmp = Files.list(dir.resolve("store/tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void garbageCollectionDeletesUnreferencedArtifactsOlderThanTheGrace() throws Exception {
    FileArtifactStore store = store();
    String kept = store.put(folder("a", "model.onnx", "kept"), null);
    String dropped = store.put(folder("b", "model.onnx", "dropped"), null);
    // Too young: a registration may be about to refer to it.
    assertThat(store.collectGarbage(Set.of(kept))).isEmpty();
    clock.advance(Duration.ofHours(2));
    String young = store.put(folder("c", "model.onnx", "young"), null);

    assertThat(store.collectGarbage(Set.of(kept))).containsExactly(dropped);
    assertThat(store.contains(kept)).isTrue();
    assertThat(store.contains(young)).isTrue();
    assertThat(store.contains(dropped)).isFalse();
    assertThatThrownBy(() -> store.open(dropped)).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void runArtifactsAreWrittenReadAndListedByPath() throws Exception {
    FileArtifactStore store = store();
    store.write("1/abc/artifacts/model/model.onnx", bytes("weights"));
    store.write("1/abc/artifacts/model/MLmodel", bytes("flavors: {}"));
    store.write("1/abc/artifacts/model/MLmodel", bytes("flavors: {onnx: {}}"));
    try (InputStream in = store.read("1/abc/artifacts/model/MLmodel")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("flavors: {onnx: {}}");
    }
    assertThat(store.list("1/abc/artifacts"))
        .containsExactly(new ArtifactStore.FileInfo("model", true, -1));
    assertThat(store.list("1/abc/artifacts/model"))
        .containsExactly(
            new ArtifactStore.FileInfo("MLmodel", false, 19),
            new ArtifactStore.FileInfo("model.onnx", false, 7));
    assertThat(store.list("nothing/here")).isEmpty();
    assertThat(store.resolve("1/abc/artifacts/model")).isDirectory();
    assertThatThrownBy(() -> store.read("1/abc/missing"))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void runArtifactPathsCannotLeaveTheStore() throws Exception {
    FileArtifactStore store = store();
    for (String bad :
        List.of(
            "../outside",
            "a/../../outside",
            "/etc/passwd",
            "a//b",
            "a/./b",
            "a\\..\\b",
            "C:/windows",
            "",
            "a/\0b")) {
      assertThatThrownBy(() -> store.write(bad, bytes("x")))
          .as(bad)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("path:");
    }
    assertThatThrownBy(() -> store.read("../store/tmp")).isInstanceOf(InvalidInputException.class);
    // A symbolic link inside the store that points out of it does not lead there.
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(dir.resolve("store/runs/link"), outside);
    assertThatThrownBy(() -> store.write("link/file.txt", bytes("x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("symbolic link");
    assertThat(outside.resolve("file.txt")).doesNotExist();
    Files.writeString(outside.resolve("secret"), "s");
    assertThatThrownBy(() -> store.read("link/secret")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.list("link")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.resolve("link")).isInstanceOf(InvalidInputException.class);
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
