package io.mlsys.server;

import io.mlsys.core.DataType;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.TensorSpec;
import io.mlsys.core.spi.ModelArtifact;
import io.mlsys.core.spi.ModelRuntime;
import io.mlsys.testing.StubModel;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * A second runtime, installed for the server's tests only through {@code
 * src/test/resources/META-INF/services/io.mlsys.core.spi.ModelRuntime}: platform {@value
 * #PLATFORM}, version folders holding {@value #FILE_NAME}. The model file names one FP32 tensor;
 * the model answers every call with its inputs.
 */
public final class EchoRuntime implements ModelRuntime {
  static final String PLATFORM = "test_echo";
  static final String FILE_NAME = "model.echo";

  @Override
  public String platform() {
    return PLATFORM;
  }

  @Override
  public String modelFileName() {
    return FILE_NAME;
  }

  @Override
  public Model load(ModelArtifact artifact) {
    String tensor;
    try {
      tensor = Files.readString(artifact.file()).strip();
    } catch (IOException e) {
      throw new ModelLoadException(
          artifact.name(), "cannot read " + artifact.location() + ": " + e, e);
    }
    if (tensor.isEmpty()) {
      throw new ModelLoadException(
          artifact.name(), artifact.location() + " is empty (expected: a tensor name)", null);
    }
    TensorSpec spec = new TensorSpec(tensor, DataType.FP32, List.of(-1L, -1L));
    return StubModel.echo(
        new ModelMetadata(
            artifact.name(),
            artifact.version(),
            PLATFORM,
            List.of(spec),
            List.of(spec),
            artifact.labels(),
            Map.of("echo.file", artifact.location())));
  }
}
