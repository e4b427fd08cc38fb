package dev.semafor.jdbc;

import dev.semafor.BrokerUnavailableException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault-injecting seam: the real {@link SqliteDialect}, whose connections can be made to fail at
 * chosen calls. Everything else goes to the real dialect and the real connections.
 */
final class FaultyDialect implements Dialect {
  /**
   * Decides, before a call on a connection of {@code role} reaches it, whether it fails; also sees
   * the calls on the statements the connection made, as {@code "PreparedStatement.executeQuery"}.
   */
  @FunctionalInterface
  interface Fault {
    /** An exception to throw instead of (or, for {@code close}, after) the call; null for none. */
    SQLException before(Role role, String method);
  }

  private final SqliteDialect real;
  private final Fault fault;
  final AtomicInteger closed = new AtomicInteger();

  FaultyDialect(SqliteDialect real, Fault fault) {
    this.real = real;
    this.fault = fault;
  }

  @Override
  public Connection connect(Role role) throws SQLException {
    Connection connection = real.connect(role);
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              SQLException injected = fault.before(role, method.getName());
              if (injected != null && !method.getName().equals("close")) {
                throw injected;
              }
              Object result;
              try {
                result = method.invoke(connection, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (injected != null) {
                throw injected; // a close that fails after it closed
              }
              return result instanceof PreparedStatement statement
                  ? statement(role, statement)
                  : result;
            });
  }

  /** {@code statement}, its calls seen by the fault first (which may fail them). */
  private PreparedStatement statement(Role role, PreparedStatement statement) {
    return (PreparedStatement)
        Proxy.newProxyInstance(
            PreparedStatement.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class},
            (proxy, method, args) -> {
              SQLException injected = fault.before(role, "PreparedStatement." + method.getName());
              if (injected != null) {
                throw injected;
              }
              try {
                return method.invoke(statement, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Override
  public String describe() {
    return real.describe();
  }

  @Override
  public void checkBeforeOpen() {
    real.checkBeforeOpen();
  }

  @Override
  public int connections(Role role) {
    return real.connections(role);
  }

  @Override
  public List<List<String>> migrations() {
    return real.migrations();
  }

  @Override
  public String beginWrite() {
    return real.beginWrite();
  }

  @Override
  public String lockCandidates(String select) {
    return real.lockCandidates(select);
  }

  @Override
  public String inIds(String column) {
    return real.inIds(column);
  }

  @Override
  public void bindIds(PreparedStatement statement, int index, long[] ids) throws SQLException {
    real.bindIds(statement, index, ids);
  }

  @Override
  public String completeSame() {
    return real.completeSame();
  }

  @Override
  public Binding sameResult(long[] rids, String[] tokens, String[] ids) {
    return real.sameResult(rids, tokens, ids);
  }

  @Override
  public boolean readsLeasedAfterCommit() {
    return real.readsLeasedAfterCommit();
  }

  @Override
  public String lockRow(String select) {
    return real.lockRow(select);
  }

  @Override
  public boolean tryLockKey(Session s, String key) throws SQLException {
    return real.tryLockKey(s, key);
  }

  @Override
  public void lockKey(Session s, String key) throws SQLException {
    real.lockKey(s, key);
  }

  @Override
  public String jsonArray() {
    return real.jsonArray();
  }

  @Override
  public WorkSignal workSignal() {
    return real.workSignal();
  }

  @Override
  public void checkUsable() {
    real.checkUsable();
  }

  @Override
  public String inNames(String column) {
    return real.inNames(column);
  }

  @Override
  public void bindNames(PreparedStatement statement, int index, java.util.Collection<String> names)
      throws SQLException {
    real.bindNames(statement, index, names);
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    return real.isUniqueViolation(e);
  }

  @Override
  public BrokerUnavailableException unavailable(String doing, SQLException e) {
    return real.unavailable(doing, e);
  }

  @Override
  public BrokerUnavailableException unusable(String problem) {
    return real.unusable(problem);
  }

  @Override
  public void close() {
    closed.incrementAndGet();
    real.close();
  }
}
