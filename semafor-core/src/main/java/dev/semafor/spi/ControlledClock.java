package dev.semafor.spi;

import java.time.InstantSource;

/**
 * A clock that a test controls, such as the TCK's settable clock. Whether a broker is opened with
 * one decides where the broker reads the time it compares across workers:
 *
 * <ul>
 *   <li>With a {@code ControlledClock}, the broker reads every "now" from it, so a test moves time
 *       instead of sleeping.
 *   <li>With any other clock (the system clock, or one that runs fast or slow as a skewed host's
 *       does), a broker whose store is shared by many hosts — PostgreSQL, Redis — reads lease
 *       expiry, run-at and rate windows from its server ({@code now()}, {@code TIME}), never from
 *       the caller's clock, so that a worker whose clock runs 30 s fast cannot steal live leases. A
 *       broker local to one machine (memory, SQLite) may read the clock it was given: every caller
 *       shares that machine's clock.
 * </ul>
 */
public interface ControlledClock extends InstantSource {}
