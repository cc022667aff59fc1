package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mlsys serve --grpc-port} and the startup line. */
class ServeCommandTest {
  @TempDir Path dir;

  private ServeCommand serve(String grpcPort) throws IOException {
    Path config = dir.resolve("mlsys.yaml");
    Files.createDirectories(dir.resolve("models"));
    Files.writeString(
        config,
        "server: { port: 0, host: 127.0.0.1, grpc-port: 9091 }\n"
            + "model-repository: { path: models }\n");
    ServeCommand serve = new ServeCommand();
    serve.configFile = config;
    serve.grpcPort = grpcPort;
    return serve;
  }

  @Test
  void grpcPortComesFromTheConfigFile() throws IOException {
    assertThat(serve(null).effectiveConfig().server().grpcPort()).isEqualTo(9091);
  }

  @Test
  void grpcPortFlagOverridesTheConfigFile() throws IOException {
    assertThat(serve("0").effectiveConfig().server().grpcPort()).isZero();
  }

  @Test
  void grpcPortOffServesNoGrpc() throws IOException {
    assertThat(serve("off").effectiveConfig().server().grpcPort()).isNull();
  }

  @Test
  void malformedGrpcPortIsAConfigErrorNamingTheFlag() throws IOException {
    ServeCommand serve = serve("70000");

    assertThatThrownBy(serve::effectiveConfig)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--grpc-port")
        .hasMessageContaining("'70000' (expected: an integer from 0 to 65535, or off)");
  }

  @Test
  void malformedGrpcPortExitsWithTheConfigCode() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setOut(new PrintWriter(new StringWriter(), true));

    int code =
        commandLine.execute(
            "serve", "--model-repository", dir.toString(), "--port", "0", "--grpc-port", "x");

    assertThat(code).isEqualTo(CliErrorHandler.EXIT_CONFIG);
    assertThat(err.toString()).contains("--grpc-port");
  }

  @Test
  void theDataDirFlagWinsOverTheFile() throws IOException {
    ServeCommand withFlag = serve("0");
    new picocli.CommandLine(withFlag).parseArgs("--data-dir", dir.resolve("elsewhere").toString());
    withFlag.configFile = serve("0").configFile;

    assertThat(withFlag.effectiveConfig().dataDir()).isEqualTo(dir.resolve("elsewhere"));
    assertThat(serve("0").effectiveConfig().dataDir()).isNull();
  }

  @Test
  void startupLineNamesTheHttpAndGrpcAddresses() throws IOException {
    MlsysConfig config = serve("0").effectiveConfig();

    try (MlsysServer server = ServerRunner.start(config)) {
      assertThat(ServeCommand.startupLine("localhost", server))
          .isEqualTo(
              "mlsys serving on http://localhost:"
                  + server.port()
                  + ", gRPC on localhost:"
                  + server.grpcPort());
      assertThat(server.grpcPort()).isPositive();
    }
  }

  @Test
  void startupLineSaysWhenGrpcIsOff() throws IOException {
    MlsysConfig config = serve("off").effectiveConfig();

    try (MlsysServer server = ServerRunner.start(config)) {
      assertThat(ServeCommand.startupLine("localhost", server))
          .isEqualTo("mlsys serving on http://localhost:" + server.port() + " (gRPC off)");
    }
  }
}
