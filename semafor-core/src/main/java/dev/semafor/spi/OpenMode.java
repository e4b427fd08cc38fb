package dev.semafor.spi;

/**
 * Whether opening a broker may create its store: the SQLite file and its schema, say. Given apart
 * from the URL, since it depends on what the caller means to do, not on where the jobs are.
 */
public enum OpenMode {
  /** Create the store if it does not exist yet: for callers that write (enqueue, a worker). */
  CREATE,

  /**
   * Refuse a store that does not exist, with a message saying so: for callers that only read or act
   * on jobs already stored (status, cancel), so that a mistyped file name is not taken for an empty
   * store. A backend whose store cannot be missing (a server) treats it as {@link #CREATE}.
   */
  EXISTING
}
