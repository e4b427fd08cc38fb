/**
 * The JDBC broker: SQLite (the default, one file) and PostgreSQL, one {@code JdbcBroker} with a
 * dialect each. Found through {@link dev.semafor.spi.BrokerProvider} by URL scheme ({@code
 * sqlite:}, {@code postgresql:}).
 */
module dev.semafor.jdbc {
  requires transitive dev.semafor.core;
  requires transitive java.sql;
  requires com.zaxxer.hikari;
  requires org.xerial.sqlitejdbc;
  requires org.postgresql.jdbc;
  requires org.slf4j;

  exports dev.semafor.jdbc;

  opens dev.semafor.jdbc to
      com.fasterxml.jackson.databind;

  provides dev.semafor.spi.BrokerProvider with
      dev.semafor.jdbc.SqliteBrokerProvider,
      dev.semafor.jdbc.PostgresBrokerProvider;
}
