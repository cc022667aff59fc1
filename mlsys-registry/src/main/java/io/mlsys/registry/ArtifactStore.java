package io.mlsys.registry;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Where artifacts live (a local folder by default).
 *
 * <p>Two areas: model version artifacts, content-addressed and immutable ({@code sha256:<hex>} of a
 * canonical listing of the files and their digests, so a folder artifact has one digest); and run
 * artifacts, addressed by path as MLflow's {@code mlflow-artifacts} API uploads them ({@code
 * <experiment>/<run>/artifacts/...}).
 */
public interface ArtifactStore {

  /**
   * Copies a folder, or a single file as a folder holding it under {@code fileName}, into the
   * content-addressed area and returns its digest; storing the same content twice stores it once.
   * Writes are atomic: a crash leaves the artifact whole or absent.
   */
  String put(Path fileOrFolder, String fileName);

  /**
   * A local folder holding the artifact's files, verified against its digest first.
   *
   * @throws io.mlsys.core.ResourceNotFoundException when no artifact has that digest
   * @throws io.mlsys.core.ModelLoadException when its files no longer match the digest
   */
  Path open(String digest);

  /** Deletes every content-addressed artifact not in {@code keep}; returns the digests deleted. */
  List<String> collectGarbage(Set<String> keep);

  /**
   * Writes a run artifact at {@code path} (relative, no {@code ..}, no absolute path).
   *
   * @throws io.mlsys.core.InvalidInputException naming the path when it is not such a path
   */
  void write(String path, InputStream content);

  /** Reads a run artifact. */
  InputStream read(String path);

  /** Lists a run artifact folder. */
  List<FileInfo> list(String path);

  /** The local folder (or file) of a run artifact path, for registering a version from it. */
  Path resolve(String path);

  /**
   * @param path relative to the listed folder's root, as MLflow gives it
   * @param fileSize bytes, or -1 for a folder
   */
  record FileInfo(String path, boolean isDir, long fileSize) {}
}
