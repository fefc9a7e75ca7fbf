package com.dcmms.telemetry.tools.loadgen;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The load generator runs against any deployment: it knows Kafka, Jackson and HTTP, not the service or the job. */
class LoadGenLayeringTest {

  @Test
  void loadGeneratorImportsNothingFromQuarkusTheHostOrFlink() {
    noClasses().that().resideInAPackage("com.dcmms.telemetry.tools.loadgen..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.quarkus..", "io.smallrye..", "jakarta.enterprise..", "jakarta.inject..",
            "jakarta.ws..", "org.eclipse.microprofile..", "com.dcmms.telemetry.host..",
            "com.dcmms.telemetry.devinfra..", "com.dcmms.telemetry.job..", "org.apache.flink..")
        .check(new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.dcmms.telemetry.tools.loadgen"));
  }
}
