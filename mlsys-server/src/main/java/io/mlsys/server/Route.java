package io.mlsys.server;

/** One endpoint's logic: reads the exchange, answers or throws an {@code MlsysException}. */
@FunctionalInterface
interface Route {
  Reply handle(Exchange exchange);
}
