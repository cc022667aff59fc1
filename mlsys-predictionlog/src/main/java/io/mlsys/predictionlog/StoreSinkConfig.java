package io.mlsys.predictionlog;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The prediction log's table in the store ({@code prediction-log.store:}): the server's {@code
 * store:} (SQLite {@code <data-dir>/predictionlog.db}, or the PostgreSQL schema {@code
 * <schema>_predictionlog}).
 *
 * @param enabled whether events are written to the store
 * @param maxAge events older than this are deleted (> 0)
 * @param subjectField the field that names a data subject, for {@code deleteSubject}: {@code
 *     caller} (the authenticated user) or {@code header:<name>} (a header the decorator keeps);
 *     null for none
 */
public record StoreSinkConfig(boolean enabled, Duration maxAge, String subjectField) {

  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(30);
  public static final String CALLER = "caller";
  public static final String HEADER_PREFIX = "header:";
  static final Pattern SUBJECT_FIELD = Pattern.compile("caller|header:[A-Za-z0-9!#$%&'*+.^_`|~-]+");

  /**
   * @throws ConfigException listing every invalid field
   */
  public StoreSinkConfig {
    maxAge = Objects.requireNonNullElse(maxAge, DEFAULT_MAX_AGE);
    Violations violations = new Violations();
    violations.check(maxAge.isPositive(), "max-age", maxAge, "a positive duration such as 30d");
    violations.check(
        subjectField == null || SUBJECT_FIELD.matcher(subjectField).matches(),
        "subject-field",
        subjectField,
        "caller or header:<name>");
    violations.throwIfAny(null);
  }

  /** Off; events kept 30 days when on; no subject field. */
  @ConfigDefaults
  public static StoreSinkConfig defaults() {
    return new StoreSinkConfig(false, DEFAULT_MAX_AGE, null);
  }

  public StoreSinkConfig withEnabled(boolean newEnabled) {
    return new StoreSinkConfig(newEnabled, maxAge, subjectField);
  }

  public StoreSinkConfig withSubjectField(String newSubjectField) {
    return new StoreSinkConfig(enabled, maxAge, newSubjectField);
  }
}
