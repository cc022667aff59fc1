package io.mlsys.cli;

import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.Page;
import io.mlsys.registry.RegisteredModel;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.SearchQuery;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlsys registry list [MODEL]}: the registered models, or one model's versions. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists the registered models, or with MODEL its versions (newest first).")
final class RegistryListCommand implements Callable<Integer> {
  /** Rows fetched per page from the store. */
  static final int PAGE_SIZE = 100;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "A model's name.")
  String model;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), false)) {
      RegistryStore store = opened.store();
      if (model == null) {
        String token = null;
        int count = 0;
        do {
          Page<RegisteredModel> page =
              store.searchModels(new SearchQuery(null, List.of("name ASC"), PAGE_SIZE, token));
          for (RegisteredModel each : page.items()) {
            RegistryPrinter.modelLine(out, each, newest(store, each.name()));
            count++;
          }
          token = page.nextPageToken();
        } while (token != null);
        if (count == 0) {
          out.println("no registered models");
        }
      } else {
        store.model(model);
        for (ModelVersion version : versions(store, model)) {
          RegistryPrinter.versionLine(out, version);
        }
      }
    }
    out.flush();
    return 0;
  }

  /** The highest version number of {@code model}, or 0. */
  static long newest(RegistryStore store, String model) {
    return store.latestVersions(model, List.of()).stream()
        .mapToLong(ModelVersion::version)
        .max()
        .orElse(0);
  }

  /** Every version of {@code model}, newest first. */
  static List<ModelVersion> versions(RegistryStore store, String model) {
    List<ModelVersion> versions = new java.util.ArrayList<>();
    String token = null;
    do {
      Page<ModelVersion> page =
          store.searchVersions(
              new SearchQuery(
                  "name = '" + model.replace("'", "''") + "'",
                  List.of("version_number DESC"),
                  PAGE_SIZE,
                  token));
      versions.addAll(page.items());
      token = page.nextPageToken();
    } while (token != null);
    return versions;
  }
}
