package io.mlsys.cli;

import io.mlsys.core.TensorSpec;
import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.DataProfile;
import io.mlsys.registry.Lineage;
import io.mlsys.registry.ModelCard;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegisteredModel;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How the registry commands print models, versions and audit entries for people. */
final class RegistryPrinter {
  private RegistryPrinter() {}

  /** One line per model: name, aliases, owner, description. */
  static void modelLine(PrintWriter out, RegisteredModel model, long latestVersion) {
    out.printf(
        Locale.ROOT,
        "%-24s latest %-4s aliases %-28s owner %s%s%n",
        model.name(),
        latestVersion == 0 ? "-" : Long.toString(latestVersion),
        aliases(model.aliases()),
        model.owner() == null ? "-" : model.owner(),
        model.description() == null || model.description().isBlank()
            ? ""
            : "  " + model.description());
  }

  /** One line per version: number, name, status, aliases, accuracy, run. */
  static void versionLine(PrintWriter out, ModelVersion version) {
    Double accuracy = version.lineage().metrics().get("accuracy");
    out.printf(
        Locale.ROOT,
        "%s/%-4d %-12s %-20s %-10s %-18s run %s%n",
        version.model(),
        version.version(),
        version.versionName() == null ? "-" : version.versionName().toString(),
        version.status() + (version.archived() ? ",ARCHIVED" : ""),
        version.aliases().isEmpty() ? "-" : String.join(",", version.aliases()),
        accuracy == null ? "" : String.format(Locale.ROOT, "accuracy %.4f", accuracy),
        version.runId() == null ? "-" : version.runId());
  }

  static void model(PrintWriter out, RegisteredModel model) {
    out.println("model " + model.name());
    field(out, "description", model.description());
    field(out, "owner", model.owner());
    field(out, "aliases", model.aliases().isEmpty() ? null : aliases(model.aliases()));
    field(out, "tags", model.tags().isEmpty() ? null : pairs(model.tags()));
    field(out, "created", String.valueOf(model.created()));
    field(out, "updated", String.valueOf(model.updated()));
  }

  static void version(PrintWriter out, ModelVersion version) {
    out.println(
        "version "
            + version.model()
            + "/"
            + version.version()
            + (version.versionName() == null ? "" : " (" + version.versionName() + ")"));
    field(out, "status", version.status() + (version.archived() ? ", archived" : ""));
    field(out, "status message", version.statusMessage());
    field(
        out, "aliases", version.aliases().isEmpty() ? null : String.join(", ", version.aliases()));
    field(out, "stage", version.stage());
    field(out, "description", version.description());
    field(out, "source", version.source());
    field(out, "artifact", version.artifactDigest());
    field(out, "platform", version.platform());
    field(out, "registered", version.createdBy() + " at " + version.created());
    field(out, "tags", version.tags().isEmpty() ? null : pairs(version.tags()));
    if (version.signature() != null) {
      field(
          out,
          "signature",
          specs(version.signature().inputs()) + " -> " + specs(version.signature().outputs()));
      if (!version.signature().labels().isEmpty()) {
        field(out, "labels", pairs(version.signature().labels()));
      }
    }
    lineage(out, version.lineage());
    card(out, version.card());
    profile(out, version.profile());
  }

  private static void lineage(PrintWriter out, Lineage lineage) {
    out.println("  lineage:");
    if (lineage.equals(Lineage.NONE)) {
      out.println("    none (not trained by mlsys train)");
      return;
    }
    field(out, "  run", lineage.runId());
    field(
        out,
        "  dataset",
        lineage.datasetUri() == null
            ? null
            : lineage.datasetUri()
                + (lineage.datasetDigest() == null ? "" : " (" + lineage.datasetDigest() + ")"));
    field(out, "  split", lineage.split());
    field(
        out,
        "  hyperparameters",
        lineage.hyperparameters().isEmpty() ? null : pairs(lineage.hyperparameters()));
    field(
        out,
        "  metrics",
        lineage.metrics().isEmpty()
            ? null
            : new TreeMap<>(lineage.metrics())
                .entrySet().stream()
                    .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.4f", e.getValue()))
                    .collect(Collectors.joining(", ")));
    field(out, "  code version", lineage.codeVersion());
    field(
        out,
        "  environment",
        lineage.environment().isEmpty() ? null : pairs(lineage.environment()));
  }

  private static void card(PrintWriter out, ModelCard card) {
    if (card == null) {
      return;
    }
    out.println("  model card:");
    field(out, "  purpose", card.purpose());
    for (ModelCard.Input input : card.inputs()) {
      field(
          out,
          "  input " + input.name(),
          (input.description() == null ? "" : input.description())
              + (input.unit() == null ? "" : " [" + input.unit() + "]"));
    }
    field(out, "  owner", card.owner());
    field(out, "  limitations", card.limitations());
  }

  private static void profile(PrintWriter out, DataProfile profile) {
    if (profile == null) {
      return;
    }
    out.println("  data profile (" + profile.rows() + " training rows):");
    for (DataProfile.Feature feature : profile.features()) {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "    %-16s count %d, missing %.1f%%",
                  feature.name(),
                  feature.count(),
                  100 * feature.missingRate()));
      DataProfile.Numeric numeric = feature.numeric();
      if (numeric != null) {
        line.append(
            String.format(
                Locale.ROOT,
                ", min %s, p50 %s, max %s, mean %s, sd %s",
                number(numeric.min()),
                number(numeric.quantiles().getOrDefault("0.5", Double.NaN)),
                number(numeric.max()),
                number(numeric.mean()),
                number(numeric.stddev())));
        line.append(", histogram ").append(numeric.binCounts());
      }
      if (!feature.categories().isEmpty()) {
        line.append(", ")
            .append(
                feature.categories().entrySet().stream()
                    .sorted(
                        Map.Entry.<String, Long>comparingByValue()
                            .reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")));
      }
      out.println(line);
    }
  }

  static void audit(PrintWriter out, AuditEntry entry) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s  %-10s %-16s %s",
                entry.at(),
                entry.actor(),
                entry.action(),
                entry.model() == null ? "" : entry.model()));
    if (entry.version() != null) {
      line.append('/').append(entry.version());
    }
    if (entry.alias() != null) {
      line.append(" @").append(entry.alias());
    }
    if (entry.oldValue() != null || entry.newValue() != null) {
      line.append("  ")
          .append(entry.oldValue() == null ? "-" : entry.oldValue())
          .append(" -> ")
          .append(entry.newValue() == null ? "-" : entry.newValue());
    }
    if (entry.detail() != null) {
      line.append("  (").append(entry.detail()).append(')');
    }
    out.println(line);
  }

  private static void field(PrintWriter out, String name, String value) {
    if (value != null && !value.isBlank()) {
      out.printf(Locale.ROOT, "  %-16s %s%n", name + ":", value);
    }
  }

  private static String aliases(Map<String, Long> aliases) {
    return aliases.isEmpty()
        ? "-"
        : new TreeMap<>(aliases)
            .entrySet().stream()
                .map(e -> e.getKey() + "->" + e.getValue())
                .collect(Collectors.joining(","));
  }

  private static String pairs(Map<String, String> values) {
    return new TreeMap<>(values)
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  private static String specs(List<TensorSpec> specs) {
    return specs.stream()
        .map(s -> s.name() + " " + s.datatype() + " " + s.shape())
        .collect(Collectors.joining(", "));
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.4g", value);
  }
}
