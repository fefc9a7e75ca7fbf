package com.dcmms.telemetry.tools.loadgen;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The load generator runs against any deployment: it knows Kafka, Jackson and HTTP, not the service
 * or the job.
 */
class LoadGenLayeringTest {
  private static final Pattern TESTS = Pattern.compile(".*(Test|IT)(\\$[^/]*)?\\.class$");

  @Test
  void loadGeneratorImportsNothingFromQuarkusTheHostOrFlink() {
    noClasses()
        .that()
        .resideInAPackage("com.dcmms.telemetry.tools.loadgen..")
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
            "com.dcmms.telemetry.devinfra..",
            "com.dcmms.telemetry.job..",
            "org.apache.flink..")
        .check(
            new ClassFileImporter()
                // The tools live in the test tree; only their tests may use test libraries.
                .withImportOption(location -> !location.matches(TESTS))
                .importPackages("com.dcmms.telemetry.tools.loadgen"));
  }
}
