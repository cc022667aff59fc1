package io.mlsys.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies point inward: transports and the CLI depend on engines, never the reverse. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.mlsys");
  }

  /** Besides the JDK, the core sees only Micrometer's API, which decorators register meters on. */
  @Test
  void coreDependsOnNothingOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("io.mlsys.core..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("io.mlsys.core..", "java..", "io.micrometer.core.instrument..")
        .check(classes);
  }

  @Test
  void enginesDoNotImportTransportsOrTheCli() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.mlsys.core..",
            "io.mlsys.onnx..",
            "io.mlsys.config..",
            "io.mlsys.repository..",
            "io.mlsys.protocol..",
            "io.mlsys.training..",
            "io.mlsys.transform..",
            "io.mlsys.client..",
            "io.mlsys.resilience..",
            "io.mlsys.graph..",
            "io.mlsys.deploy..",
            "io.mlsys.predictionlog..",
            "io.mlsys.cache..",
            "io.mlsys.redis..",
            "io.mlsys.features..",
            "io.mlsys.monitoring..",
            "io.mlsys.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.mlsys.server..",
            "io.mlsys.cli..",
            "io.helidon..",
            "io.grpc..",
            "picocli..",
            // Engines may register meters (Micrometer's API); which registry exports them, and
            // how, is the server's choice.
            "io.micrometer.prometheusmetrics..")
        .check(classes);
  }

  @Test
  void serverDoesNotImportTheCli() {
    noClasses()
        .that()
        .resideInAPackage("io.mlsys.server..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.mlsys.cli..", "picocli..")
        .check(classes);
  }

  @Test
  void onlyTheServerSpeaksHttp() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.mlsys.server..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.helidon..")
        .check(classes);
  }

  @Test
  void theRepositoryAndTheServerReachRuntimesOnlyThroughTheSpi() {
    noClasses()
        .that()
        .resideInAnyPackage("io.mlsys.repository..", "io.mlsys.server..", "io.mlsys.graph..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.mlsys.onnx..", "ai.onnxruntime..")
        .check(classes);
  }
}
