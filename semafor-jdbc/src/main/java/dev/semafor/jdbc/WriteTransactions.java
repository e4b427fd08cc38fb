package dev.semafor.jdbc;

import java.sql.SQLException;

/**
 * How a write transaction begins and commits on a {@link Session}: the one place where databases
 * differ in it ({@link Dialect#transactions}). The {@link WriteCombiner} begins a transaction, runs
 * its group's work and commits through this.
 */
interface WriteTransactions {

  /** Begins a write transaction on {@code s}. */
  void begin(Session s) throws SQLException;

  /**
   * Commits the transaction {@link #begin} began, with whatever {@code s} was asked to announce
   * ({@link Session#announce}).
   */
  void commit(Session s) throws SQLException;

  /** Transactions begun by running {@code begin} and ended by running {@code COMMIT}. */
  static WriteTransactions statements(String begin) {
    return new WriteTransactions() {
      @Override
      public void begin(Session s) throws SQLException {
        s.execute(begin);
      }

      @Override
      public void commit(Session s) throws SQLException {
        s.execute("COMMIT");
      }
    };
  }
}
