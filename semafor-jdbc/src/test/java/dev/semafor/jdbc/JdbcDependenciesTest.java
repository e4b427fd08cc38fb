package dev.semafor.jdbc;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The JDBC broker is written against the SPI alone: nothing of the worker, the process pool or the
 * scheduler (its tests may use them; its main classes may not).
 */
class JdbcDependenciesTest {
  @Test
  void theBrokerDependsOnlyOnTheApiAndTheSpi() {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.semafor.jdbc");
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
