package com.dcmms.telemetry.build;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The job is pure Flink: it can be run by any Flink runtime, so it knows nothing of the host. */
class LayeringTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("com.dcmms.telemetry");

  @Test
  void jobImportsNothingFromQuarkusOrTheHost() {
    noClasses()
        .that()
        .resideInAPackage("com.dcmms.telemetry.job..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.quarkus..",
            "io.smallrye..",
            "jakarta.enterprise..",
            "jakarta.inject..",
            "jakarta.ws..",
            "org.eclipse.microprofile..",
            "com.dcmms.telemetry.host..",
            "com.dcmms.telemetry.devinfra..")
        .check(MAIN);
  }
}
