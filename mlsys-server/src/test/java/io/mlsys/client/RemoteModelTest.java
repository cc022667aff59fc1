package io.mlsys.client;

import static io.mlsys.client.IrisServer.CONTEXT;
import static io.mlsys.client.IrisServer.LABEL;
import static io.mlsys.client.IrisServer.MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Predictor;
import io.mlsys.core.UpstreamFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A model on a real second mlsys server, called as a local {@link Predictor}. */
class RemoteModelTest {
  @RegisterExtension final IrisServer iris = new IrisServer();

  private OipClient client;

  @BeforeEach
  void connect() {
    client =
        OipClient.create(
            iris.baseUrl(), OipClientOptions.defaults().withSleeper(new RecordingSleeper()));
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  @Test
  void answersAsThePredictorWithTheRemoteNameAndVersion() {
    Predictor remote = RemoteModel.of(client, MODEL, null);

    InferResponse response = remote.infer(InferRequest.of(IrisServer.row(2)), CONTEXT);

    assertThat(response.modelName()).isEqualTo(MODEL);
    assertThat(response.modelVersion()).isEqualTo("1");
    assertThat(response.output(LABEL).orElseThrow().longs()).containsExactly(2L);
  }

  @Test
  void pinnedVersionThatTheRemoteLacksIsAnUpstreamFailure() {
    RemoteModel remote = RemoteModel.of(client, MODEL, "2");

    assertThatThrownBy(() -> remote.infer(InferRequest.of(IrisServer.row(0)), CONTEXT))
        .isInstanceOf(UpstreamFailureException.class)
        .hasMessageContaining("/v2/models/iris/versions/2")
        .hasMessageContaining("has no version '2'");
  }

  @Test
  void metadataAndReadinessComeFromTheRemote() {
    RemoteModel remote = RemoteModel.of(client, MODEL, "1");

    assertThat(remote.metadata(CONTEXT).name()).isEqualTo(MODEL);
    assertThat(remote.metadata(CONTEXT).version()).isEqualTo("1");
    assertThat(remote.isReady(CONTEXT)).isTrue();
    assertThat(RemoteModel.of(client, MODEL, "2").isReady(CONTEXT)).isFalse();
  }
}
