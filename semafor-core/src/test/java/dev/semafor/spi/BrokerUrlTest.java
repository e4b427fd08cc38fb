package dev.semafor.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.memory.MemoryBroker;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class BrokerUrlTest {

  @Test
  void parseSplitsTheSchemeFromTheRest() {
    assertThat(BrokerUrl.parse("sqlite:data/semafor.db"))
        .isEqualTo(new BrokerUrl("sqlite:data/semafor.db", "sqlite", "data/semafor.db"));
    assertThat(BrokerUrl.parse("memory:").rest()).isEmpty();
    assertThat(BrokerUrl.parse("POSTGRES://h/db").scheme()).isEqualTo("postgres");
  }

  @Test
  void aUrlWithoutASchemeIsRefusedWithExamples() {
    assertThatThrownBy(() -> BrokerUrl.parse("semafor.db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed broker URL 'semafor.db'")
        .hasMessageContaining("sqlite:semafor.db");
    assertThatThrownBy(() -> BrokerUrl.parse(":x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BrokerUrl.parse("1a:x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad scheme");
    assertThatThrownBy(() -> BrokerUrl.parse(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("broker URL is empty");
  }

  @Test
  void theRedactedFormHidesThePassword() {
    BrokerUrl url = BrokerUrl.parse("postgres://app:s3cret@db.local:5432/jobs");

    assertThat(url.redacted()).isEqualTo("postgres://app:***@db.local:5432/jobs");
    assertThat(url.toString()).doesNotContain("s3cret");
    assertThat(BrokerUrl.parse("redis://cache:6379").redacted()).isEqualTo("redis://cache:6379");
    assertThat(BrokerUrl.parse("redis://:s3cret@cache:6379/0").redacted())
        .isEqualTo("redis://:***@cache:6379/0");
    assertThat(BrokerUrl.parse("postgres://app:pa/ss@db/jobs").redacted())
        .isEqualTo("postgres://app:***@db/jobs");
    assertThat(BrokerUrl.parse("postgres://db/jobs?user=app&password=s3cret").redacted())
        .isEqualTo("postgres://db/jobs?user=app&password=***");
  }

  @Test
  void brokersOpenTheMemoryBrokerByItsScheme() {
    try (Broker broker = Brokers.open("memory:", InstantSource.system())) {
      assertThat(broker).isInstanceOf(MemoryBroker.class);
      assertThat(broker.describe()).isEqualTo("memory:");
    }
  }

  @Test
  void brokersRefuseAnUnknownSchemeNamingTheKnownOnes() {
    assertThatThrownBy(() -> Brokers.open("nosuch://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no broker for 'nosuch:' URLs")
        .hasMessageContaining("memory");
  }

  @Test
  void aGivenFlagWinsOverTheEnvironmentAndTheDefault() {
    assertThat(Brokers.resolveUrl("memory:")).isEqualTo("memory:");
  }

  @Test
  void withoutAFlagTheEnvironmentOrElseTheEmbeddedDefaultIsUsed() {
    String env = System.getenv(Brokers.ENV);
    String expected = env == null || env.isBlank() ? Brokers.DEFAULT_URL : env;

    assertThat(Brokers.resolveUrl(null)).isEqualTo(expected);
    assertThat(Brokers.resolveUrl("  ")).isEqualTo(expected);
  }
}
