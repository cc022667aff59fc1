package io.mlsys.graph;

import static io.mlsys.graph.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigException;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.NodeOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeKindsTest {
  private final TestModels models = new TestModels();

  /** A kind claiming the options of {@code model} under another name. */
  private static final class OtherModelKind implements NodeKind<ModelOptions> {
    @Override
    public String name() {
      return "other-model";
    }

    @Override
    public Class<ModelOptions> optionsType() {
      return ModelOptions.class;
    }

    @Override
    public Node compile(ModelOptions options, NodeCompiler compiler) {
      throw new UnsupportedOperationException("never compiled in these tests");
    }
  }

  @Test
  void everyBuiltInKindIsInstalledInTheOrderConfigDocumentsThem() {
    assertThat(NodeKinds.installed().names())
        .containsExactly(
            "model", "remote", "transform", "sequence", "ensemble", "switch", "cascade");
  }

  @Test
  void twoKindsOfOneNameStopTheBuildNamingBoth() {
    assertThatThrownBy(() -> NodeKinds.of(List.of(new ModelKind(), new ModelKind())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "two node kinds are named 'model': io.mlsys.graph.ModelKind and"
                + " io.mlsys.graph.ModelKind");
  }

  @Test
  void twoKindsOfOneOptionsRecordStopTheBuildNamingBoth() {
    assertThatThrownBy(() -> NodeKinds.of(List.of(new ModelKind(), new OtherModelKind())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "two node kinds take io.mlsys.graph.ModelOptions: io.mlsys.graph.ModelKind and"
                + " io.mlsys.graph.NodeKindsTest$OtherModelKind");
  }

  /** A kind named like a key of a place, which could not be told from it. */
  private static final class WhenKind implements NodeKind<ModelOptions> {
    @Override
    public String name() {
      return "when";
    }

    @Override
    public Class<ModelOptions> optionsType() {
      return ModelOptions.class;
    }

    @Override
    public Node compile(ModelOptions options, NodeCompiler compiler) {
      throw new UnsupportedOperationException("never compiled in these tests");
    }
  }

  @Test
  void aKindNamedLikeAPlaceKeyStopsTheBuild() {
    assertThat(NodeKinds.PLACE_KEYS)
        .containsExactly(
            "timeout", "when", "inputs", "active", "policy", "weight", "name", "accept", "async");
    assertThatThrownBy(() -> NodeKinds.of(List.of(new WhenKind())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the node kind io.mlsys.graph.NodeKindsTest$WhenKind is named 'when', a key of the"
                + " places nodes sit in (expected: a name other than timeout, when, inputs, active,"
                + " policy, weight, name, accept, async)");
  }

  @Test
  void theConfigFamilyListsEveryInstalledKindWithItsOptions() {
    NodeFamily family = new NodeFamily();

    assertThat(family.kinds())
        .containsEntry("model", ModelOptions.class)
        .containsEntry("sequence", SequenceOptions.class)
        .hasSize(7);
    assertThat(family.placeholder()).isEqualTo("<node>");
    assertThat(ConfigBinder.installedFamilies()).containsKey(NodeOptions.class);
  }

  @Test
  void optionsOfNoInstalledKindAreAViolationListingTheInstalledKinds() {
    models.plus("plus1", "y", 1);
    NodeConfig root = TestModels.sequence(TestModels.step("a", model("plus1")));

    assertThatThrownBy(
            () ->
                GraphCompiler.compile(
                    Map.of("g", new GraphConfig(root)),
                    NodeKinds.of(List.of(new ModelKind())),
                    models,
                    models.options()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "graphs.g: options io.mlsys.graph.SequenceOptions of no installed node kind"
                + " (expected: one of model)");
  }
}
