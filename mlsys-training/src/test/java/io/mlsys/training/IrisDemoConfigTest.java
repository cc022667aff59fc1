package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class IrisDemoConfigTest {

  @Test
  void defaultsAreTheDocumentedConstants() {
    IrisDemoConfig defaults = IrisDemoConfig.defaults();

    assertThat(defaults)
        .isEqualTo(
            new IrisDemoConfig(
                IrisDemoConfig.DEFAULT_SEED,
                IrisDemoConfig.DEFAULT_TRAIN_PROPORTION,
                IrisDemoConfig.DEFAULT_EPOCHS,
                IrisDemoConfig.DEFAULT_LEARNING_RATE,
                IrisDemoConfig.DEFAULT_MINIBATCH_SIZE));
  }

  @Test
  void withSeedChangesOnlyTheSeed() {
    IrisDemoConfig config = IrisDemoConfig.defaults().withSeed(7);

    assertThat(config.seed()).isEqualTo(7);
    assertThat(config.withSeed(IrisDemoConfig.DEFAULT_SEED)).isEqualTo(IrisDemoConfig.defaults());
  }

  @Test
  void rejectsATrainProportionOutsideZeroToOne() {
    for (double bad : new double[] {0.0, 1.0, -0.5, 1.5, Double.NaN}) {
      assertThatThrownBy(() -> new IrisDemoConfig(1, bad, 10, 0.1, 1))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("trainProportion: " + bad + " (expected: > 0 and < 1)");
    }
  }

  @Test
  void rejectsEpochsOutOfBounds() {
    for (int bad : new int[] {0, -1, IrisDemoConfig.MAX_EPOCHS + 1}) {
      assertThatThrownBy(() -> new IrisDemoConfig(1, 0.7, bad, 0.1, 1))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("epochs: " + bad + " (expected: between 1 and ");
    }
  }

  @Test
  void rejectsANonPositiveOrNonFiniteLearningRate() {
    for (double bad : new double[] {0.0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> new IrisDemoConfig(1, 0.7, 10, bad, 1))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("learningRate: " + bad);
    }
  }

  @Test
  void rejectsAMinibatchSmallerThanOne() {
    assertThatThrownBy(() -> new IrisDemoConfig(1, 0.7, 10, 0.1, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("minibatchSize: 0 (expected: >= 1)");
  }
}
