package io.mlsys.registry.jdbc;

import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.RegistryStores;
import io.mlsys.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A second process for {@link ConcurrentProcessesTest}: opens the registry, says {@code ready},
 * waits for the go file, then registers versions as fast as it can.
 *
 * <p>Arguments: data dir, PostgreSQL URL or {@code -} for SQLite, schema, model, count, actor, go
 * file.
 */
public final class RegisterVersionsMain {
  private RegisterVersionsMain() {}

  public static void main(String[] args) throws Exception {
    Path dataDir = Path.of(args[0]);
    StoreConfig config =
        args[1].equals("-")
            ? StoreConfig.defaults()
            : StoreConfig.postgresql(args[1], "postgres", null).withSchema(args[2]);
    String model = args[3];
    int count = Integer.parseInt(args[4]);
    String actor = args[5];
    Path go = Path.of(args[6]);
    try (RegistryStores stores = RegistryStores.open(config, dataDir, Clock.systemUTC())) {
      RegistryStore registry = stores.registry();
      System.out.println("ready");
      System.out.flush();
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (!Files.exists(go)) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("no go file after 60 s");
        }
        Thread.sleep(5);
      }
      for (int i = 0; i < count; i++) {
        ModelVersion pending =
            registry.createPendingVersion(
                new NewVersion(model, "/m", null, null, null, null, null, Map.of("by", actor)),
                actor);
        registry.completeRegistration(
            model,
            pending.version(),
            JdbcRegistryStoreTest.DIGEST,
            "onnxruntime_onnx",
            JdbcRegistryStoreTest.SIGNATURE);
      }
      System.out.println("done " + count);
    }
  }
}
