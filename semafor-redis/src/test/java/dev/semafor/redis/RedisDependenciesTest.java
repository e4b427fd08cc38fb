package dev.semafor.redis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The Redis broker is written against the SPI alone: nothing of the worker, the process pool or the
 * scheduler (its tests may use them; its main classes may not).
 */
class RedisDependenciesTest {
  @Test
  void theBrokerDependsOnlyOnTheApiAndTheSpi() {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.semafor.redis");
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.semafor.worker..",
            "dev.semafor.process..",
            "dev.semafor.schedule..",
            "dev.semafor.client..")
        .check(main);
  }
}
