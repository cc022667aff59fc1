package io.mlsys.server;

import static io.mlsys.server.MlflowRegistryEndpoints.add;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.registry.ArtifactStore;
import io.mlsys.registry.ModelRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * MLflow's artifact proxy API ({@code /api/2.0/mlflow-artifacts/artifacts}), which remote MLflow
 * clients use to log and read run artifacts when the run's artifact URI is {@code
 * mlflow-artifacts:/...}: upload (PUT, streamed to the artifact store, at most {@code
 * registry.max-artifact-bytes}), download (GET) and list (GET with {@code ?path=}).
 *
 * <p>A path is relative, in {@code /}-separated segments, none empty, {@code .} or {@code ..}:
 * anything else is refused before the store sees it (a traversal in an artifact path is how other
 * registries leaked their servers' files). Under {@value #REGISTERED}, the content-addressed
 * artifacts of registered versions are served read-only ({@code get-download-uri} points there),
 * verified against their digest on each read.
 */
final class MlflowArtifactEndpoints {
  static final String ROUTE = "/api/2.0/mlflow-artifacts/artifacts";

  /** The read-only view of registered versions' artifacts: {@code _registry/<sha256 hex>/...}. */
  static final String REGISTERED = "_registry";

  private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final String SHA256 = "sha256:";
  private static final Header OCTET_STREAM =
      HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/octet-stream");
  private static final Header NO_SNIFF =
      HeaderValues.createCached(HeaderNames.create("X-Content-Type-Options"), "nosniff");

  private final RegistryHandle registry;

  MlflowArtifactEndpoints(RegistryHandle registry) {
    this.registry = registry;
  }

  void addTo(RouteTable routes) {
    add(routes, Method.GET, ROUTE, Access.READ, this::list);
    add(routes, Method.PUT, ROUTE + "/{+path}", Access.MANAGE, this::upload);
    add(routes, Method.GET, ROUTE + "/{+path}", Access.READ, this::download);
  }

  /** The {@code mlflow-artifacts:} URI of a registered version's artifact folder. */
  static String registeredArtifactUri(String digest) {
    String hex = digest.startsWith(SHA256) ? digest.substring(SHA256.length()) : digest;
    return "mlflow-artifacts:/" + REGISTERED + "/" + hex;
  }

  private ArtifactStore artifacts() {
    return registry.get().artifacts();
  }

  /** {@code PUT .../artifacts/<path>}: the body, of any content type, becomes the file. */
  private Reply upload(Exchange exchange) {
    String path = checkedPath(exchange.pathParameter("path"), "path");
    if (isRegistered(path)) {
      throw new InvalidInputException(
          "path",
          "'"
              + ErrorMessages.excerpt(path)
              + "' is under "
              + REGISTERED
              + "/, the read-only artifacts of registered versions (expected: a run artifact"
              + " path, e.g. <experiment>/<run>/artifacts/model/model.onnx)");
    }
    ArtifactStore store = artifacts();
    try (InputStream body = exchange.bodyStream(registry.config().maxArtifactBytes())) {
      store.write(path, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return MlflowJson.empty();
  }

  /** {@code GET .../artifacts/<path>}: the file, as an attachment. */
  private Reply download(Exchange exchange) {
    String path = checkedPath(exchange.pathParameter("path"), "path");
    Path file = isRegistered(path) ? registeredFile(path) : artifacts().resolve(path);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new ResourceNotFoundException("artifact '" + ErrorMessages.excerpt(path) + "'");
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException(
          "path",
          "'"
              + ErrorMessages.excerpt(path)
              + "' is a folder (expected: a file; list a folder with GET "
              + ROUTE
              + "?path=...)");
    }
    // An attachment, never shown by a browser on this origin (no stored XSS), as MLflow does.
    String name = file.getFileName().toString().replace("\"", "");
    return Reply.file(file, OCTET_STREAM)
        .withHeader(
            HeaderValues.create(
                HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\""))
        .withHeader(NO_SNIFF);
  }

  /** {@code GET .../artifacts?path=<folder>}: its files and folders, by name. */
  private Reply list(Exchange exchange) {
    String given = exchange.query("path");
    List<ArtifactStore.FileInfo> files;
    if (given == null || given.isEmpty()) {
      files = artifacts().list("");
    } else {
      String path = checkedPath(given, "path");
      files = isRegistered(path) ? listRegistered(path) : artifacts().list(path);
    }
    ObjectNode json = MlflowJson.object();
    if (!files.isEmpty()) {
      ArrayNode list = json.putArray("files");
      for (ArtifactStore.FileInfo file : files) {
        ObjectNode entry = list.addObject();
        String name = file.path();
        entry.put("path", name.substring(name.lastIndexOf('/') + 1));
        entry.put("is_dir", file.isDir());
        if (!file.isDir()) {
          entry.put("file_size", file.fileSize());
        }
      }
    }
    return MlflowJson.reply(json);
  }

  // the registered versions' artifacts

  private static boolean isRegistered(String path) {
    return path.equals(REGISTERED) || path.startsWith(REGISTERED + "/");
  }

  /** The verified folder of {@code _registry/<hex>}, and the rest of the path. */
  private Path registeredFolder(String path) {
    String[] parts = path.split("/", 3);
    if (parts.length < 2 || !HEX_DIGEST.matcher(parts[1]).matches()) {
      throw new ResourceNotFoundException(
          "artifact '"
              + ErrorMessages.excerpt(path)
              + "' (expected: "
              + REGISTERED
              + "/<sha256 hex digest of a registered version>/...)");
    }
    ModelRegistry opened = registry.get();
    return opened.artifacts().open(SHA256 + parts[1]);
  }

  private Path registeredFile(String path) {
    Path folder = registeredFolder(path);
    String[] parts = path.split("/", 3);
    return parts.length < 3 ? folder : folder.resolve(parts[2]);
  }

  private List<ArtifactStore.FileInfo> listRegistered(String path) {
    if (path.equals(REGISTERED)) {
      // Not listed: the digests are found through get-download-uri.
      return List.of();
    }
    Path folder = registeredFile(path);
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<ArtifactStore.FileInfo> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path entry : entries.sorted(Comparator.comparing(Path::toString)).toList()) {
        boolean dir = Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS);
        files.add(
            new ArtifactStore.FileInfo(
                entry.getFileName().toString(), dir, dir ? -1 : Files.size(entry)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /**
   * A relative artifact path in {@code /}-separated segments, none empty, {@code .} or {@code ..},
   * without backslashes, control characters or a drive letter.
   *
   * @throws InvalidInputException naming {@code field} otherwise
   */
  static String checkedPath(String path, String field) {
    String expected =
        " (expected: a relative path of '/'-separated names, without '.', '..' or empty segments)";
    if (path == null || path.isEmpty()) {
      throw new InvalidInputException(field, "missing" + expected);
    }
    String shown = "'" + ErrorMessages.excerpt(path) + "'";
    if (path.startsWith("/") || path.indexOf('\\') >= 0 || path.indexOf(':') >= 0) {
      throw new InvalidInputException(field, shown + " is not a relative path" + expected);
    }
    for (int i = 0; i < path.length(); i++) {
      if (Character.isISOControl(path.charAt(i))) {
        throw new InvalidInputException(field, shown + " has a control character" + expected);
      }
    }
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    for (String segment : trimmed.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new InvalidInputException(field, shown + " is not a safe path" + expected);
      }
    }
    return trimmed;
  }
}
