package dev.semafor;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time-ordered job ids: 26 characters of Crockford base32 (ULID layout: 48 bits of milliseconds,
 * then 80 bits that are random at start and count up within the process), so ids sort by creation
 * time and never collide within one process.
 */
public final class JobIds {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long NODE = RANDOM.nextLong() & 0xFFFF; // 16 bits per process
  private static final AtomicLong SEQUENCE = new AtomicLong(RANDOM.nextLong() >>> 1);

  private JobIds() {}

  /** A new id for a job created at {@code now}. */
  public static String next(Instant now) {
    long millis = now.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    long seq = SEQUENCE.getAndIncrement();
    char[] out = new char[26];
    // 48 bits of time -> 10 chars (50 bits; top 2 zero)
    for (int i = 9; i >= 0; i--) {
      out[i] = ALPHABET[(int) (millis & 31)];
      millis >>>= 5;
    }
    // 16 bits node + 64 bits sequence = 80 bits -> 16 chars
    long low = seq;
    long high = NODE;
    for (int i = 25; i >= 10; i--) {
      out[i] = ALPHABET[(int) (low & 31)];
      low = (low >>> 5) | ((high & 31) << 59);
      high >>>= 5;
    }
    return new String(out);
  }
}
