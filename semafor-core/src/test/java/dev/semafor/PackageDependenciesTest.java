package dev.semafor;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The packages of semafor-core depend on each other without cycles, and the Broker SPI and the
 * memory broker know nothing of the worker: a backend is written against {@code dev.semafor} and
 * {@code dev.semafor.spi} alone. Reads the compiled main classes (not the tests).
 */
class PackageDependenciesTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.semafor");

  /** One slice per package directly under dev.semafor, and dev.semafor itself. */
  private static final SliceAssignment PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
          String p = c.getPackageName();
          if (p.equals("dev.semafor")) {
            return SliceIdentifier.of("dev.semafor");
          }
          if (!p.startsWith("dev.semafor.")) {
            return SliceIdentifier.ignore();
          }
          String rest = p.substring("dev.semafor.".length());
          int dot = rest.indexOf('.');
          return SliceIdentifier.of("dev.semafor." + (dot < 0 ? rest : rest.substring(0, dot)));
        }

        @Override
        public String getDescription() {
          return "the packages of dev.semafor";
        }
      };

  @Test
  void thePackagesHaveNoCycles() {
    slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(CORE);
  }

  @Test
  void theSpiAndTheMemoryBrokerDoNotDependOnTheWorker() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.semafor.spi..", "dev.semafor.memory..")
        .should()
        .dependOnClassesThat(
            resideInAnyPackage(
                "dev.semafor.worker..", "dev.semafor.process..", "dev.semafor.schedule.."))
        .check(CORE);
  }

  @Test
  void theCheckSeesEveryPackage() {
    // A rule over no classes passes whatever it says: make sure the import found the packages.
    for (String p :
        new String[] {
          "dev.semafor", "dev.semafor.spi", "dev.semafor.memory", "dev.semafor.worker"
        }) {
      org.assertj.core.api.Assertions.assertThat(CORE.containPackage(p)).as(p).isTrue();
    }
  }
}
