package io.mlsys.repository;

import java.time.Duration;

/** Hears about model lifecycle events, e.g. to record load-time metrics and log failures. */
public interface RepositoryListener {

  default void loaded(String name, String version, Duration loadTime) {}

  default void failed(String name, String version, String reason) {}

  default void unloaded(String name, String version) {}

  RepositoryListener NONE = new RepositoryListener() {};
}
