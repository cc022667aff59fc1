package io.mlsys.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  private static StoreConfig bind(String yaml, Map<String, String> env) {
    return ConfigBinder.bind(
        ConfigDocument.parse(yaml, "mlsys.yaml", Path.of("/base"), env), StoreConfig.class);
  }

  @Test
  void anEmptyMappingIsTheEmbeddedSqliteStore() {
    assertThat(bind("{}", Map.of())).isEqualTo(StoreConfig.defaults());
    assertThat(StoreConfig.defaults().database()).isEqualTo(Database.SQLITE);
  }

  @Test
  void bindsKebabCaseKeysAndThePasswordFromTheEnvironment() {
    StoreConfig config =
        bind(
            "url: jdbc:postgresql://db:5432/mlsys\nuser: mlsys\npassword: ${PG_PASSWORD}\n"
                + "pool-size: 4\nschema: prod\n",
            Map.of("PG_PASSWORD", "s3cret"));
    assertThat(config)
        .isEqualTo(
            new StoreConfig("jdbc:postgresql://db:5432/mlsys", "mlsys", "s3cret", 4, "prod"));
    assertThat(config.database()).isEqualTo(Database.POSTGRESQL);
  }

  @Test
  void refusesUnknownKeysAndBadValuesWithTheirPaths() {
    assertThatThrownBy(() -> bind("pool-size: 0\nschema: 'A-B'\nhost: x\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pool-size")
        .hasMessageContaining("schema")
        .hasMessageContaining("host");
  }
}
