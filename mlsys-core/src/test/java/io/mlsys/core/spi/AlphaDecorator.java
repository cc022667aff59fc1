package io.mlsys.core.spi;

import java.util.List;

/** Test kind {@code alpha}. */
public final class AlphaDecorator extends VisitingDecorator<AlphaDecorator.Alpha> {
  public record Alpha(List<String> log) implements Logged {}

  @Override
  public String kind() {
    return "alpha";
  }

  @Override
  public Class<Alpha> optionsType() {
    return Alpha.class;
  }
}
