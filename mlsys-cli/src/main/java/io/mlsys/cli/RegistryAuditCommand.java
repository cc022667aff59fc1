package io.mlsys.cli;

import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.Page;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlsys registry audit}: who changed what, when, newest first, a page at a time. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the audit: every change (register, alias moves and refusals with the promotion"
          + " rule's numbers, approvals, archive, delete), who and when, newest first."
    })
final class RegistryAuditCommand implements Callable<Integer> {
  /** Entries per page by default: {@value}. */
  static final int DEFAULT_PAGE_SIZE = 50;

  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "NAME", description = "Only this model's entries.")
  String model;

  @Option(
      names = "--max-results",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_PAGE_SIZE,
      description = "Entries per page (default: ${DEFAULT-VALUE}).")
  int maxResults;

  @Option(
      names = "--page-token",
      paramLabel = "TOKEN",
      description = "The next page, as the previous page printed it.")
  String pageToken;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), false)) {
      Page<AuditEntry> page = opened.store().audit(new AuditQuery(model, maxResults, pageToken));
      for (AuditEntry entry : page.items()) {
        RegistryPrinter.audit(out, entry);
      }
      if (page.items().isEmpty()) {
        out.println("no audit entries");
      }
      if (page.nextPageToken() != null) {
        out.println("next page: --page-token " + page.nextPageToken());
      }
    }
    out.flush();
    return 0;
  }
}
