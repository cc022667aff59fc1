package io.mlsys.repository;

import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.spi.ModelArtifact;
import io.mlsys.core.spi.ModelRuntime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Hands each source to the {@link ModelRuntime} of its platform. */
final class RuntimeModelLoader implements ModelLoader {
  private final Map<String, ModelRuntime> byPlatform;

  RuntimeModelLoader(List<ModelRuntime> runtimes) {
    Map<String, ModelRuntime> found = new TreeMap<>();
    for (ModelRuntime runtime : runtimes) {
      ModelRuntime other = found.putIfAbsent(runtime.platform(), runtime);
      if (other != null) {
        throw new IllegalStateException(
            "platform '"
                + runtime.platform()
                + "': two runtimes installed ("
                + other.getClass().getName()
                + ", "
                + runtime.getClass().getName()
                + "; expected: one runtime per platform)");
      }
    }
    this.byPlatform = found;
  }

  @Override
  public Model load(ModelSource source) {
    return runtime(source.name(), source.platform())
        .load(
            new ModelArtifact(
                source.name(),
                source.version(),
                source.file(),
                source.location(),
                source.labels(),
                source.intraOpThreads(),
                source.defaultOutputs()));
  }

  @Override
  public String modelFileName(String platform) {
    return runtime(null, platform).modelFileName();
  }

  private ModelRuntime runtime(String modelName, String platform) {
    ModelRuntime runtime = byPlatform.get(platform);
    if (runtime == null) {
      throw new ModelLoadException(
          modelName,
          "platform '"
              + platform
              + "': no runtime installed (installed: "
              + (byPlatform.isEmpty() ? "none" : String.join(", ", byPlatform.keySet()))
              + ")",
          null);
    }
    return runtime;
  }

  @Override
  public String toString() {
    return "ModelLoader" + byPlatform.keySet();
  }
}
