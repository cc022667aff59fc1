package io.mlsys.server;

import io.mlsys.server.config.MlsysConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where the server's config came from, for reloading its graphs when the file changes.
 *
 * @param file the mlsys.yaml that was read
 * @param loaded the config as served (overrides applied)
 * @param overrides applied again to every reloaded file (e.g. command-line flags)
 * @param watch whether to watch the file ({@code server.watch-config})
 */
record GraphReload(
    Path file, MlsysConfig loaded, UnaryOperator<MlsysConfig> overrides, boolean watch) {
  GraphReload {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(loaded, "loaded");
    Objects.requireNonNull(overrides, "overrides");
  }
}
