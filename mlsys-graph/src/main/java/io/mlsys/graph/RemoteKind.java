package io.mlsys.graph;

import io.mlsys.client.OipClient;
import io.mlsys.client.OipClientOptions;
import io.mlsys.client.RemoteModel;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import java.net.URI;
import java.time.Duration;

/**
 * {@code remote}: a model on another OIP server, called through one client per distinct URL and
 * options, shared by the generation and closed with it.
 */
public final class RemoteKind implements NodeKind<RemoteOptions> {

  /** What makes two remote nodes share a client. */
  private record ClientKey(URI url, Duration connectTimeout, int maxAttempts, Duration backoff) {}

  @Override
  public String name() {
    return "remote";
  }

  @Override
  public Class<RemoteOptions> optionsType() {
    return RemoteOptions.class;
  }

  @Override
  public Node compile(RemoteOptions remote, NodeCompiler compiler) {
    // The record checked the URL and options.
    URI url = URI.create(remote.url());
    OipClientOptions defaults = compiler.options().remote();
    OipClient client =
        compiler.shared(
            new ClientKey(
                url, remote.connectTimeout(), remote.maxAttempts(), remote.retryBackoff()),
            OipClient.class,
            () ->
                OipClient.create(
                    url,
                    new OipClientOptions(
                        remote.connectTimeout(),
                        remote.maxAttempts(),
                        remote.retryBackoff(),
                        defaults.clock(),
                        defaults.sleeper())));
    return new RemoteNode(
        compiler.place(),
        remote.url(),
        remote.model(),
        remote.version(),
        RemoteModel.of(client, remote.model(), remote.version()));
  }
}
