package dev.semafor.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.semafor.BrokerUnavailableException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link Database} opens and closes its parts. */
class DatabaseTest {
  @TempDir Path dir;

  @Test
  void closeClosesTheWritersAndTheDialectEvenIfClosingAReaderFails() {
    SqliteDialect real = new SqliteDialect(SqliteLocation.parse(dir + "/d.db"));
    FaultyDialect dialect =
        new FaultyDialect(
            real,
            (role, method) ->
                role == Dialect.Role.READER && method.equals("close")
                    ? new SQLException("reader would not close")
                    : null);
    Database db = Database.open(dialect);

    assertThatThrownBy(db::close)
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("reader would not close");

    assertThat(dialect.closed).as("the dialect was closed").hasValue(1);
    assertThatThrownBy(() -> db.write("enqueue", s -> 1))
        .as("the writers were closed")
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("is closed");
  }
}
