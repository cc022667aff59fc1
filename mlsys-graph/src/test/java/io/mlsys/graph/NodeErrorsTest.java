package io.mlsys.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.UpstreamFailureException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeErrorsTest {
  private static final String PATH = "graphs.g.ensemble.branches[a]";

  @Test
  void aFullResourceKeepsItsRetryAfter() {
    MlsysException error =
        NodeErrors.at(PATH, new CapacityExceededException("queue of m", Duration.ofMillis(250)));

    assertThat(error)
        .isInstanceOf(CapacityExceededException.class)
        .hasMessage(PATH + ": queue of m is at capacity (retry after 250 ms)");
    assertThat(((CapacityExceededException) error).retryAfter()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void anUpstreamFailureKeepsTheUpstreamItNamed() {
    UpstreamFailureException original =
        new UpstreamFailureException("http://h:8080", "503 after 2 attempts", null);

    MlsysException error = NodeErrors.at(PATH, original);

    assertThat(error).isInstanceOf(UpstreamFailureException.class).hasCause(original);
    assertThat(((UpstreamFailureException) error).upstream()).isEqualTo("http://h:8080");
    assertThat(error.getMessage()).contains(PATH + ": upstream 'http://h:8080' failed: 503");
  }

  @Test
  void aModelThatIsNoLongerFoundMakesTheNodeNotReady() {
    MlsysException error = NodeErrors.at(PATH, new ModelNotFoundException("m", "2"));

    assertThat(error)
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessage("model 'm' is not ready: " + PATH + ": model 'm' has no version '2'");
    assertThat(((ModelNotReadyException) error).modelName()).isEqualTo("m");
  }
}
