/**
 * The Broker contract suite: abstract JUnit classes that a backend's tests subclass ({@code
 * dev.semafor.tck}). Depends on the SPI and on JUnit's API, which its users get with it.
 */
module dev.semafor.tck {
  requires transitive dev.semafor.core;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;
  requires com.tngtech.archunit;

  exports dev.semafor.tck;
  exports dev.semafor.tck.process; // the worker processes a multi-process contract test starts

  // JUnit runs the contracts' inherited test methods and nested classes reflectively.
  opens dev.semafor.tck to
      org.junit.platform.commons;
}
