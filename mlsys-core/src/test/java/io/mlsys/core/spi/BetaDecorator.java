package io.mlsys.core.spi;

import java.util.List;

/** Test kind {@code beta}. */
public final class BetaDecorator extends VisitingDecorator<BetaDecorator.Beta> {
  public record Beta(List<String> log) implements Logged {}

  @Override
  public String kind() {
    return "beta";
  }

  @Override
  public Class<Beta> optionsType() {
    return Beta.class;
  }
}
