package dev.semafor.worker;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The worker's local queue between its fetcher and its pool. Taking from it ({@link #take()} or
 * {@link #poll()}) stamps the assignment's start time and tells the fetcher there may be room for
 * more.
 */
final class Inbox extends LinkedBlockingQueue<Assignment> {
  private static final long serialVersionUID = 1L;

  /** Called after each take of a real assignment. */
  interface TakeListener {
    void taken(Assignment assignment);
  }

  private final transient TakeListener listener;

  Inbox(TakeListener listener) {
    this.listener = listener;
  }

  @Override
  public Assignment take() throws InterruptedException {
    return taken(super.take());
  }

  /** The process pool polls for more short jobs to pipeline to its children. */
  @Override
  public Assignment poll() {
    Assignment a = super.poll();
    return a == null ? null : taken(a);
  }

  private Assignment taken(Assignment a) {
    if (!a.isPoison()) {
      a.markStarted();
      listener.taken(a);
    }
    return a;
  }
}
