/**
 * The Broker SPI: what a storage backend implements ({@link dev.semafor.broker.Broker}, split by
 * role) and the records it stores and returns ({@link dev.semafor.broker.JobRecord}, {@link
 * dev.semafor.broker.Lease} and the rest). Backends register a {@link
 * dev.semafor.broker.BrokerProvider} with {@link java.util.ServiceLoader}.
 *
 * <p>Types are not null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.semafor.broker;

import org.jspecify.annotations.NullMarked;
