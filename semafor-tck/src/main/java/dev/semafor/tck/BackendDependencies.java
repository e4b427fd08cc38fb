package dev.semafor.tck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * A backend is written against the API ({@code dev.semafor}) and the SPI ({@code dev.semafor.spi})
 * alone: its main classes use nothing of the worker, the process pool, the scheduler or the
 * producer's client (its tests may). Call {@link #check} from one test of the backend's module.
 */
public final class BackendDependencies {
  private BackendDependencies() {}

  /**
   * Fails (an ArchUnit {@link AssertionError}) if a main class in {@code backendPackage} or below
   * depends on a class of {@code dev.semafor.worker}, {@code process}, {@code schedule} or {@code
   * client}, or if there is no class there at all.
   */
  public static void check(String backendPackage) {
    JavaClasses main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(backendPackage);
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
