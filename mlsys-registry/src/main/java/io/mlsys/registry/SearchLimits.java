package io.mlsys.registry;

/**
 * MLflow's page sizes for searches: the default a transport uses when a client gives none, and the
 * most a store accepts (more is {@code INVALID_PARAMETER_VALUE}). From MLflow's {@code
 * mlflow/store/model_registry/__init__.py}, {@code mlflow/store/tracking/__init__.py} and {@code
 * mlflow/utils/validation.py}.
 */
public final class SearchLimits {
  public static final int REGISTERED_MODELS_DEFAULT = 100;
  public static final int REGISTERED_MODELS_MAX = 1000;
  public static final int MODEL_VERSIONS_DEFAULT = 1000;
  public static final int MODEL_VERSIONS_MAX = 200_000;
  public static final int EXPERIMENTS_DEFAULT = 1000;
  public static final int EXPERIMENTS_MAX = 50_000;
  public static final int RUNS_DEFAULT = 1000;
  public static final int RUNS_MAX = 50_000;
  public static final int METRIC_HISTORY_MAX = 25_000;
  public static final int AUDIT_MAX = 10_000;

  private SearchLimits() {}
}
