package io.mlsys.registry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.Lineage;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.NewModel;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.Page;
import io.mlsys.registry.RegisteredModel;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.SearchQuery;
import io.mlsys.store.Database;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class RegistrySearchTest extends StoreFixture {

  private RegistryStore seeded(Database database) {
    RegistryStore store = open(database).registry();
    for (String name : List.of("iris", "Iris-big", "iris_small", "wine", "digits")) {
      store.createModel(
          new NewModel(
              name,
              null,
              null,
              Map.of(
                  "team",
                  name.toLowerCase(java.util.Locale.ROOT).startsWith("i") ? "ml" : "vision")),
          "ana");
      clock.advance(Duration.ofSeconds(1));
    }
    for (int i = 1; i <= 3; i++) {
      store.createPendingVersion(
          new NewVersion(
              "iris",
              "/models/iris-" + i + ".onnx",
              null,
              null,
              Lineage.NONE.withRunId("run" + i),
              null,
              null,
              Map.of("quality", i == 2 ? "gold" : "plain")),
          "ana");
      clock.advance(Duration.ofSeconds(1));
    }
    store.createPendingVersion(
        new NewVersion("wine", "/models/wine.onnx", null, null, null, null, null, null), "ana");
    return store;
  }

  private static List<String> models(RegistryStore store, String filter, String... orderBy) {
    return store.searchModels(new SearchQuery(filter, List.of(orderBy), 100, null)).items().stream()
        .map(RegisteredModel::name)
        .toList();
  }

  private static List<String> versions(RegistryStore store, String filter, String... orderBy) {
    return store
        .searchVersions(new SearchQuery(filter, List.of(orderBy), 100, null))
        .items()
        .stream()
        .map(v -> v.model() + "/" + v.version())
        .toList();
  }

  @BothDatabases
  void filtersRegisteredModelsAsMlflowDoes(Database database) {
    RegistryStore store = seeded(database);
    assertThat(models(store, null))
        .containsExactly("Iris-big", "digits", "iris", "iris_small", "wine");
    assertThat(models(store, "name = 'iris'")).containsExactly("iris");
    assertThat(models(store, "name != 'iris'")).hasSize(4);
    // LIKE is case-sensitive, with % and _ as wildcards; ILIKE ignores case.
    assertThat(models(store, "name LIKE 'iris%'")).containsExactly("iris", "iris_small");
    assertThat(models(store, "name LIKE 'iris_small'")).containsExactly("iris_small");
    assertThat(models(store, "name LIKE 'iri_'")).containsExactly("iris");
    assertThat(models(store, "name ILIKE 'IRIS%'"))
        .containsExactly("Iris-big", "iris", "iris_small");
    assertThat(models(store, "tags.team = 'vision'")).containsExactly("digits", "wine");
    assertThat(models(store, "tags.`team` = \"ml\" AND name ILIKE '%small'"))
        .containsExactly("iris_small");
    assertThat(models(store, "tags.missing = 'x'")).isEmpty();
    // A value that looks like SQL is only a value.
    assertThat(models(store, "name = 'x'' OR ''1''=''1'")).isEmpty();
  }

  @BothDatabases
  void ordersRegisteredModels(Database database) {
    RegistryStore store = seeded(database);
    assertThat(models(store, null, "name DESC"))
        .containsExactly("wine", "iris_small", "iris", "digits", "Iris-big");
    // iris and wine got versions after the others were created.
    assertThat(models(store, null, "last_updated_timestamp DESC").subList(0, 2))
        .containsExactly("wine", "iris");
    assertThat(models(store, null, "timestamp ASC"))
        .containsExactly("iris", "Iris-big", "iris_small", "wine", "digits");
    assertThatThrownBy(() -> models(store, null, "owner ASC"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("order_by: 'owner ASC'");
  }

  @BothDatabases
  void filtersModelVersions(Database database) {
    RegistryStore store = seeded(database);
    assertThat(versions(store, "name = 'iris'")).containsExactly("iris/3", "iris/2", "iris/1");
    assertThat(versions(store, "name = 'iris' AND version_number >= 2"))
        .containsExactly("iris/3", "iris/2");
    assertThat(versions(store, "run_id = 'run2'")).containsExactly("iris/2");
    assertThat(versions(store, "run_id IN ('run1', 'run3')")).containsExactly("iris/3", "iris/1");
    assertThat(versions(store, "source_path LIKE '%wine%'")).containsExactly("wine/1");
    assertThat(versions(store, "tags.quality = 'gold'")).containsExactly("iris/2");
    assertThat(versions(store, "name IN ('iris', 'wine')", "version_number ASC", "name ASC"))
        .containsExactly("iris/1", "wine/1", "iris/2", "iris/3");
    assertThatThrownBy(() -> versions(store, "version_number = '2'"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("compares with a number");
    assertThatThrownBy(() -> versions(store, "run_id LIKE 'r%'"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("takes no LIKE");
    assertThatThrownBy(() -> versions(store, "metrics.acc > 1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("have no metrics");
    assertThatThrownBy(() -> versions(store, "owner = 'x'"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("expected one of: name, run_id, source_path, version_number");
  }

  @BothDatabases
  void pagesWithTokensThatBelongToTheirQuery(Database database) {
    RegistryStore store = seeded(database);
    List<String> all = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<RegisteredModel> page =
          store.searchModels(new SearchQuery(null, List.of("name ASC"), 2, token));
      page.items().forEach(m -> all.add(m.name()));
      token = page.nextPageToken();
      pages++;
    } while (token != null);
    assertThat(pages).isEqualTo(3);
    assertThat(all).containsExactly("Iris-big", "digits", "iris", "iris_small", "wine");

    String first =
        store.searchModels(new SearchQuery(null, List.of("name ASC"), 2, null)).nextPageToken();
    assertThatThrownBy(
            () -> store.searchModels(new SearchQuery("name = 'x'", List.of("name ASC"), 2, first)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("page_token:")
        .hasMessageContaining("another query");
    assertThatThrownBy(
            () -> store.searchVersions(new SearchQuery(null, List.of("name ASC"), 2, first)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("page_token:");
    assertThatThrownBy(() -> store.searchModels(new SearchQuery(null, List.of(), 2, "garbage!")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("page_token:");
  }

  @BothDatabases
  void limitsPageSizesToMlflowsMaxima(Database database) {
    RegistryStore store = seeded(database);
    assertThatThrownBy(() -> store.searchModels(SearchQuery.all(1001)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("max_results: 1001");
    assertThatThrownBy(() -> store.searchModels(SearchQuery.all(0)))
        .isInstanceOf(InvalidInputException.class);
    assertThat(store.searchVersions(SearchQuery.all(200_000)).items()).hasSize(4);
    assertThatThrownBy(() -> store.searchVersions(SearchQuery.all(200_001)))
        .isInstanceOf(InvalidInputException.class);
  }

  @BothDatabases
  void searchedVersionsCarryTagsAndAliases(Database database) {
    RegistryStore store = seeded(database);
    List<ModelVersion> found =
        store.searchVersions(new SearchQuery("name = 'iris'", List.of(), 10, null)).items();
    assertThat(found.get(1).tags()).containsEntry("quality", "gold");
    assertThat(found.get(1).runId()).isEqualTo("run2");
  }
}
