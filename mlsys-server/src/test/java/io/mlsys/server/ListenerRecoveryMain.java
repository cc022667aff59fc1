package io.mlsys.server;

import io.mlsys.config.ConnectionsConfig;
import io.mlsys.testing.StubModel;
import java.io.IOException;

/**
 * A server for {@link ListenerRecoveryTest}, run in a child JVM with a low open file limit: no
 * connection limit of its own, so idle clients can use up its descriptors. Prints {@code PORT <n>}
 * and serves until its standard input closes.
 */
final class ListenerRecoveryMain {
  private ListenerRecoveryMain() {}

  public static void main(String[] args) throws IOException {
    MlsysServer server =
        MlsysServer.builder()
            .config(
                MlsysServerExtension.config()
                    .withConnections(
                        new ConnectionsConfig(
                            ConnectionsConfig.MAX_CONNECTIONS_LIMIT, 0, null, null, null)))
            .repository(new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1"))))
            .build()
            .start();
    System.out.println("PORT " + server.port());
    System.out.flush();
    System.in.readAllBytes();
    server.close();
  }
}
