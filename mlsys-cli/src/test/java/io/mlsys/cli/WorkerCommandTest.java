package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.queue.JobsConfig;
import io.mlsys.server.config.MlsysConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code mlsys worker}: what it runs with, from the servers' config and its flags. */
class WorkerCommandTest {

  private static WorkerCommand worker(String... args) {
    WorkerCommand worker = new WorkerCommand();
    new CommandLine(worker).parseArgs(args);
    return worker;
  }

  @Test
  void workersRunEvenWhenTheServersOnlyAccept() {
    MlsysConfig servers =
        MlsysConfig.defaults()
            .withModelRepository(io.mlsys.repository.ModelRepositoryConfig.of(Path.of("/models")))
            .withJobs(JobsConfig.defaults().withEnabled(false).withWorkers(0));
    MlsysConfig config = worker().applyFlags(servers);

    assertThat(config.jobs().enabled()).isTrue();
    assertThat(config.jobs().workers()).isEqualTo(JobsConfig.DEFAULT_WORKERS);
    // Health and metrics on loopback only, a free port, no gRPC.
    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.server().port()).isZero();
    assertThat(config.server().grpcPort()).isNull();
  }

  @Test
  void threadsAndPortFlagsOverride() {
    MlsysConfig config =
        worker("--threads", "6", "--port", "9099", "--model-repository", "/models")
            .applyFlags(MlsysConfig.defaults());

    assertThat(config.jobs().workers()).isEqualTo(6);
    assertThat(config.server().port()).isEqualTo(9099);
  }

  @Test
  void nothingToRunIsAConfigError() {
    assertThatThrownBy(() -> worker().applyFlags(MlsysConfig.defaults()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("nothing to run jobs on");
    assertThatThrownBy(
            () -> worker("--threads", "-1", "-m", "/models").applyFlags(MlsysConfig.defaults()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--threads");
  }
}
