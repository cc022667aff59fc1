package io.mlsys.server;

import io.mlsys.server.config.ConnectionsConfig;
import io.mlsys.testing.StubModel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A server for {@link ListenerRecoveryTest}, run in a child JVM with a low open file limit. The
 * server caps its connections at three quarters of that limit; the process then holds {@value
 * #HELD_DESCRIPTORS} more descriptors itself (as model files and other connections would), so idle
 * clients can use up the rest. Prints {@code PORT <n>} and serves until its standard input closes.
 */
final class ListenerRecoveryMain {
  static final int HELD_DESCRIPTORS = 200;

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
    List<FileChannel> held = new ArrayList<>();
    for (int i = 0; i < HELD_DESCRIPTORS; i++) {
      held.add(FileChannel.open(Path.of("/dev/null")));
    }
    System.out.println("PORT " + server.port());
    System.out.flush();
    System.in.readAllBytes();
    server.close();
    for (FileChannel channel : held) {
      channel.close();
    }
  }
}
