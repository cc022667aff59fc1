package io.mlsys.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on the loopback interface that nothing listens on, for servers a test starts itself. */
public final class FreePorts {
  private FreePorts() {}

  /** A port free now (another process may take it before the caller binds it; rare). */
  public static int next() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }
}
