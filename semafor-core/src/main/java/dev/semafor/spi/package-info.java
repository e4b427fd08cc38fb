/**
 * The Broker SPI: what a storage backend implements ({@link dev.semafor.spi.Broker}, split by role)
 * and the records it stores and returns ({@link dev.semafor.spi.JobRecord}, {@link
 * dev.semafor.spi.Lease} and the rest). Backends register a {@link dev.semafor.spi.BrokerProvider}
 * with {@link java.util.ServiceLoader}.
 *
 * <p>Types are not null unless marked {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.semafor.spi;

import org.jspecify.annotations.NullMarked;
