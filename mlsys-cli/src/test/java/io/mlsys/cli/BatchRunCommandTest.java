package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mlsys batch run job.yaml} with each kind of model: an mlsys.yaml's model, an mlsys.yaml's
 * graph, and a registry reference; and a job file that fails to bind, named by its key path.
 */
class BatchRunCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int mlsys(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private Path rows() throws Exception {
    Path rows = dir.resolve("rows.csv");
    Files.write(
        rows, Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv")).subList(0, 1000));
    return rows;
  }

  private Path job(String model) throws Exception {
    rows();
    Path job = dir.resolve("job.yaml");
    Files.writeString(
        job,
        "source: { csv: rows.csv }\n"
            + "model: "
            + model
            + "\n"
            + "sink: { csv: out.csv }\n"
            + "chunk-rows: 300\n");
    return job;
  }

  @Test
  void aModelAndAGraphOfAnMlsysYaml() throws Exception {
    String fixtures = Fixtures.rootOrThrow().toString();
    Files.writeString(
        dir.resolve("mlsys.yaml"),
        "models:\n"
            + "  iris: { uri: "
            + fixtures
            + "/sklearn-iris/iris_svc.onnx }\n"
            + "  setosa: { uri: "
            + fixtures
            + "/sklearn-iris/iris_svc_0_setosa.onnx }\n"
            + "  versicolor: { uri: "
            + fixtures
            + "/sklearn-iris/iris_svc_0_versicolor.onnx }\n"
            + "graphs:\n"
            + "  ovr:\n"
            + "    ensemble:\n"
            + "      branches:\n"
            + "        setosa: { model: { name: setosa, outputs: [output_probability] } }\n"
            + "        versicolor: { model: { name: versicolor, outputs: [output_probability] } }\n"
            + "      combine:\n"
            + "        max: { output: output_probability, column: 0, score-output: proba,"
            + " label-output: label }\n");

    assertThat(mlsys("batch", "run", job("{ config: mlsys.yaml, name: iris }").toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).startsWith("1000 rows: 1000 predicted, 0 rejected");
    assertThat(Files.readAllLines(dir.resolve("out.csv"))).hasSize(1001);

    Files.delete(dir.resolve("out.csv"));
    assertThat(mlsys("batch", "run", job("{ config: mlsys.yaml, graph: ovr }").toString()))
        .as(err.toString())
        .isZero();
    List<String> lines = Files.readAllLines(dir.resolve("out.csv"));
    assertThat(lines).hasSize(1001);
    assertThat(lines.getFirst()).contains("label").contains("proba");
  }

  @Test
  void aRegistryReference() throws Exception {
    Path data = dir.resolve("data");
    assertThat(
            mlsys(
                "registry",
                "register",
                "--model",
                "iris",
                "--source",
                Fixtures.require("sklearn-iris/iris_svc.onnx").toString(),
                "--data-dir",
                data.toString()))
        .as(err.toString())
        .isZero();
    Files.writeString(dir.resolve("mlsys.yaml"), "data-dir: data\n");

    assertThat(mlsys("batch", "run", job("{ config: mlsys.yaml, registry: iris/1 }").toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("1000 rows: 1000 predicted, 0 rejected");
    assertThat(Files.readAllLines(dir.resolve("out.csv"))).hasSize(1001);
  }

  @Test
  void aBadJobFileIsRefusedWithTheKeyPath() throws Exception {
    Path job = job("{ repository: models, name: iris, graph: g }");
    assertThat(mlsys("batch", "run", job.toString())).isEqualTo(CliErrorHandler.EXIT_CONFIG);
    assertThat(err.toString()).contains("model.name").contains("exactly one of name, graph");
  }
}
