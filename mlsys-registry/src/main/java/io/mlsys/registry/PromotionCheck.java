package io.mlsys.registry;

import io.mlsys.registry.RegistryConfig.MetricThreshold;
import io.mlsys.registry.RegistryConfig.PromotionRule;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Checks a candidate's metrics against an alias's promotion rule and its current holder. */
final class PromotionCheck {
  private final Map<String, PromotionRule> rules;

  PromotionCheck(Map<String, PromotionRule> rules) {
    this.rules = rules;
  }

  /**
   * @param passed whether the candidate may take the alias
   * @param detail the numbers compared (for the audit), or null when the alias has no rule
   */
  record Result(boolean passed, String detail) {}

  Result check(String alias, ModelVersion candidate, ModelVersion holder) {
    PromotionRule rule = rules.get(alias);
    if (rule == null || rule.metrics().isEmpty()) {
      return new Result(true, null);
    }
    StringBuilder detail = new StringBuilder("promotion rule: ");
    boolean passed = true;
    String separator = "";
    for (Map.Entry<String, MetricThreshold> entry : new TreeMap<>(rule.metrics()).entrySet()) {
      String metric = entry.getKey();
      MetricThreshold threshold = entry.getValue();
      detail.append(separator);
      separator = "; ";
      Double value = candidate.lineage().metrics().get(metric);
      if (value == null) {
        passed = false;
        detail.append(metric).append(" missing from the candidate's metrics (FAIL)");
        continue;
      }
      double sign = threshold.lowerIsBetter() ? -1 : 1;
      if (threshold.min() != null) {
        boolean ok = sign * value >= sign * threshold.min();
        passed &= ok;
        detail
            .append(metric)
            .append(' ')
            .append(number(value))
            .append(threshold.lowerIsBetter() ? " <= " : " >= ")
            .append(number(threshold.min()))
            .append(ok ? " (ok)" : " (FAIL)");
      }
      Double held = holder == null ? null : holder.lineage().metrics().get(metric);
      if (threshold.maxDrop() != null && held != null) {
        double drop = sign * (held - value);
        boolean ok = drop <= threshold.maxDrop() + 1e-12;
        passed &= ok;
        if (threshold.min() != null) {
          detail.append(", ");
        }
        detail
            .append(metric)
            .append(' ')
            .append(number(value))
            .append(" vs holder version ")
            .append(holder.version())
            .append(' ')
            .append(number(held))
            .append(": ")
            .append(threshold.lowerIsBetter() ? "rise " : "drop ")
            .append(number(drop))
            .append(" <= ")
            .append(number(threshold.maxDrop()))
            .append(ok ? " (ok)" : " (FAIL)");
      } else if (threshold.maxDrop() != null && threshold.min() == null) {
        detail
            .append(metric)
            .append(' ')
            .append(number(value))
            .append(", no holder to compare (ok)");
      }
    }
    return new Result(passed, detail.toString());
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.6g", value);
  }
}
