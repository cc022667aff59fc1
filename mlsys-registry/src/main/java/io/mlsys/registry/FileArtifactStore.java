package io.mlsys.registry;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ResourceNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Artifacts in a local folder.
 *
 * <p>Layout: {@code sha256/<hex>/} holds one content-addressed artifact; {@code runs/} holds run
 * artifacts by path; {@code tmp/} holds writes in progress, which reach their place by an atomic
 * rename, so a crash leaves an artifact whole or absent.
 *
 * <p>An artifact's digest is the SHA-256 of its canonical listing: one line {@code <sha256 of the
 * file> <relative path>} per file, sorted by path, with {@code /} separators (the format of {@code
 * sha256sum}, so {@code (cd sha256/<hex> && find . -type f | sort | xargs sha256sum)} shows the
 * parts by hand). {@link #open} recomputes it every time.
 */
public final class FileArtifactStore implements ArtifactStore {
  /** How long a new artifact is safe from garbage collection before a version refers to it. */
  public static final Duration DEFAULT_GC_GRACE = Duration.ofHours(1);

  static final String PREFIX = "sha256:";
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}");

  private final Path root;
  private final Path content;
  private final Path runs;
  private final Path tmp;
  private final Clock clock;
  private final Duration gcGrace;

  /**
   * @param root the store's folder (created when absent)
   * @param gcGrace artifacts younger than this are kept by garbage collection: a registration
   *     stores its artifact before its version refers to it
   */
  public FileArtifactStore(Path root, Clock clock, Duration gcGrace) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.gcGrace = Objects.requireNonNull(gcGrace, "gcGrace");
    this.content = this.root.resolve("sha256");
    this.runs = this.root.resolve("runs");
    this.tmp = this.root.resolve("tmp");
    try {
      Files.createDirectories(content);
      Files.createDirectories(runs);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create artifact store " + root, e);
    }
  }

  public FileArtifactStore(Path root, Clock clock) {
    this(root, clock, DEFAULT_GC_GRACE);
  }

  public Path root() {
    return root;
  }

  // ---- content-addressed area --------------------------------------------------------------

  @Override
  public String put(Path fileOrFolder, String fileName) {
    Objects.requireNonNull(fileOrFolder, "fileOrFolder");
    Path staged = null;
    try {
      staged = Files.createTempDirectory(tmp, "put-");
      if (Files.isRegularFile(fileOrFolder, LinkOption.NOFOLLOW_LINKS)) {
        if (fileName == null || !FILE_NAME.matcher(fileName).matches()) {
          throw new InvalidInputException(
              "fileName", "'" + fileName + "' is not a plain file name (expected e.g. model.onnx)");
        }
        Files.copy(fileOrFolder, staged.resolve(fileName));
      } else if (Files.isDirectory(fileOrFolder, LinkOption.NOFOLLOW_LINKS)) {
        copyTree(fileOrFolder, staged);
      } else {
        throw new InvalidInputException(
            "source",
            "'"
                + fileOrFolder
                + "' is neither a regular file nor a folder (symbolic links are"
                + " not followed)");
      }
      String digest = digest(staged);
      Path target = content.resolve(digest.substring(PREFIX.length()));
      if (Files.isDirectory(target)) {
        // Stored already: keep the one copy, and renew its grace period.
        try {
          Files.setLastModifiedTime(target, FileTime.from(clock.instant()));
          return digest;
        } catch (NoSuchFileException e) {
          // Garbage collection took it just now: store this copy instead.
        }
      }
      Files.setLastModifiedTime(staged, FileTime.from(clock.instant()));
      try {
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        staged = null;
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // Another writer stored the same content first.
      } catch (AtomicMoveNotSupportedException e) {
        throw new UncheckedIOException("artifact store " + root + " cannot rename atomically", e);
      }
      return digest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store " + fileOrFolder + " in " + root, e);
    } finally {
      if (staged != null) {
        deleteTree(staged);
      }
    }
  }

  @Override
  public Path open(String digest) {
    Path folder = contentFolder(digest);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw new ResourceNotFoundException("artifact " + digest + " is not in the artifact store");
    }
    String actual;
    try {
      actual = digest(folder);
    } catch (IOException e) {
      throw new ModelLoadException(
          "artifact " + digest, "its files cannot be read: " + e.getMessage(), e);
    }
    if (!actual.equals(digest)) {
      throw new ModelLoadException(
          "artifact " + digest,
          "its files no longer match its digest (now " + actual + "): it was changed on disk",
          null);
    }
    return folder;
  }

  /** Whether an artifact with that digest is stored (without verifying it). */
  public boolean contains(String digest) {
    return Files.isDirectory(contentFolder(digest), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public List<String> collectGarbage(Set<String> keep) {
    Objects.requireNonNull(keep, "keep");
    List<String> deleted = new ArrayList<>();
    FileTime cutoff = FileTime.from(clock.instant().minus(gcGrace));
    try (Stream<Path> folders = Files.list(content)) {
      for (Path folder : folders.sorted().toList()) {
        String digest = PREFIX + folder.getFileName();
        if (keep.contains(digest) || !DIGEST.matcher(digest).matches()) {
          continue;
        }
        if (Files.getLastModifiedTime(folder, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) > 0) {
          continue;
        }
        // Moved out first, so that nobody opens a half-deleted artifact.
        Path doomed = Files.createTempDirectory(tmp, "gc-");
        try {
          Files.move(folder, doomed.resolve("artifact"), StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
          deleteTree(doomed);
          continue;
        }
        deleteTree(doomed);
        deleted.add(digest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot collect garbage in " + root, e);
    }
    // Writes that a crash interrupted.
    try (Stream<Path> leftovers = Files.list(tmp)) {
      for (Path leftover : leftovers.toList()) {
        if (Files.getLastModifiedTime(leftover, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) <= 0) {
          deleteTree(leftover);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + tmp, e);
    }
    return deleted;
  }

  private Path contentFolder(String digest) {
    if (digest == null || !DIGEST.matcher(digest).matches()) {
      throw new InvalidInputException(
          "digest", "'" + digest + "' is not an artifact digest (expected sha256:<64 hex digits>)");
    }
    return content.resolve(digest.substring(PREFIX.length()));
  }

  /** The digest of a folder's files: SHA-256 of the canonical listing. */
  public static String digest(Path folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    Files.walkFileTree(
        folder,
        new java.nio.file.SimpleFileVisitor<>() {
          @Override
          public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (!attrs.isRegularFile()) {
              throw new IOException(file + " is not a regular file");
            }
            String relative = folder.relativize(file).toString().replace('\\', '/');
            files.put(relative, fileDigest(file));
            return java.nio.file.FileVisitResult.CONTINUE;
          }
        });
    StringBuilder listing = new StringBuilder();
    for (Map.Entry<String, String> file : files.entrySet()) {
      listing.append(file.getValue()).append("  ").append(file.getKey()).append('\n');
    }
    return PREFIX
        + HexFormat.of()
            .formatHex(sha256().digest(listing.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private static String fileDigest(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.sorted().toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isSymbolicLink(source)) {
          throw new InvalidInputException(
              "source", "'" + source + "' is a symbolic link (expected regular files and folders)");
        }
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(source, target);
        } else {
          throw new InvalidInputException(
              "source", "'" + source + "' is not a regular file or folder");
        }
      }
    }
  }

  private static void deleteTree(Path path) {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }

  // ---- run artifacts -----------------------------------------------------------------------

  @Override
  public void write(String path, InputStream contentStream) {
    Objects.requireNonNull(contentStream, "content");
    Path target = runPath(path, false);
    Path temp = null;
    try {
      requireInside(target.getParent(), path);
      Files.createDirectories(target.getParent());
      requireInside(target.getParent(), path);
      if (Files.isSymbolicLink(target) || Files.isDirectory(target)) {
        throw invalidPath(path, "names a folder or a symbolic link");
      }
      temp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
      try (var out = Files.newOutputStream(temp)) {
        contentStream.transferTo(out);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write run artifact " + path, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // Left for garbage collection of tmp files.
        }
      }
    }
  }

  @Override
  public InputStream read(String path) {
    Path file = runPath(path, false);
    requireInside(file, path);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ResourceNotFoundException("run artifact '" + path + "' does not exist");
    }
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read run artifact " + path, e);
    }
  }

  @Override
  public List<FileInfo> list(String path) {
    Path folder = runPath(path, true);
    requireInside(folder, path);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<FileInfo> infos = new ArrayList<>();
    try (Stream<Path> children = Files.list(folder)) {
      for (Path child : children.sorted().toList()) {
        String name = child.getFileName().toString();
        if (name.startsWith(".upload-") || Files.isSymbolicLink(child)) {
          continue;
        }
        boolean dir = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
        infos.add(new FileInfo(name, dir, dir ? -1 : Files.size(child)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list run artifacts " + path, e);
    }
    return infos;
  }

  @Override
  public Path resolve(String path) {
    Path resolved = runPath(path, false);
    if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
      throw new ResourceNotFoundException("run artifact '" + path + "' does not exist");
    }
    requireInside(resolved, path);
    return resolved;
  }

  /**
   * The place of a run artifact path: relative, {@code /}-separated, no {@code ..}, {@code .} or
   * empty segments, no backslash or NUL; checked again against the real path where it exists, so
   * that a symbolic link inside the store does not lead out of it.
   */
  private Path runPath(String path, boolean emptyAllowed) {
    if (path == null || path.isEmpty()) {
      if (emptyAllowed) {
        return runs;
      }
      throw invalidPath(path, "is empty");
    }
    String trimmed =
        path.endsWith("/") && emptyAllowed ? path.substring(0, path.length() - 1) : path;
    if (trimmed.startsWith("/")
        || trimmed.indexOf('\\') >= 0
        || trimmed.indexOf('\0') >= 0
        || trimmed.matches("^[A-Za-z]:.*")) {
      throw invalidPath(path, "is absolute or has a backslash or NUL");
    }
    for (String segment : trimmed.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw invalidPath(path, "has an empty, '.' or '..' segment");
      }
    }
    Path resolved = runs.resolve(trimmed).normalize();
    if (!resolved.startsWith(runs) || resolved.equals(runs)) {
      throw invalidPath(path, "leads outside the run artifacts");
    }
    return resolved;
  }

  /** The nearest existing ancestor (or the path itself) must really be inside the store. */
  private void requireInside(Path resolved, String path) {
    try {
      Path realRoot = runs.toRealPath();
      Path existing = resolved;
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (existing == null || !existing.toRealPath().startsWith(realRoot)) {
        throw invalidPath(path, "leads outside the run artifacts through a symbolic link");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check run artifact path " + path, e);
    }
  }

  private static InvalidInputException invalidPath(String path, String problem) {
    return new InvalidInputException(
        "path",
        "'"
            + path
            + "' "
            + problem
            + " (expected a relative path such as 1/abc/artifacts/model/model.onnx)");
  }
}
