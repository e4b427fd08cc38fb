package dev.semafor.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's Lua scripts: each {@code NAME.lua} resource with {@code lib.lua} before it, loaded
 * once with {@code SCRIPT LOAD} and called by SHA ({@code EVALSHA}). A server that has forgotten a
 * script (restarted, or {@code SCRIPT FLUSH}) answers {@code NOSCRIPT}; the script is then loaded
 * again and the call repeated — safe, since a {@code NOSCRIPT} call ran nothing.
 */
final class Scripts {
  /** Every script; each changes state atomically (one script call). */
  enum Name {
    ENQUEUE,
    ENQUEUE_GROUP,
    LEASE,
    HEARTBEAT,
    COMPLETE,
    FAIL,
    RELEASE,
    MARK_STARTED,
    PROGRESS,
    CANCEL,
    REAP,
    PRUNE,
    RETRY,
    DELETE,
    CLAIM,
    WORKERS,
    LOGS;

    String resource() {
      return name().toLowerCase(java.util.Locale.ROOT) + ".lua";
    }
  }

  private final Map<Name, String> sources = new ConcurrentHashMap<>();
  private final Map<Name, String> shas = new ConcurrentHashMap<>();

  Scripts() {
    String lib = read("lib.lua");
    for (Name n : Name.values()) {
      sources.put(n, lib + "\n" + read(n.resource()));
    }
  }

  private static String read(String resource) {
    try (InputStream in = Scripts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a script with {@code keys} (the prefix tag) and {@code args}; MULTI output. */
  Object call(RedisCommands<String, String> redis, Name name, String[] keys, List<String> args) {
    String[] values = args.toArray(String[]::new);
    String sha = shas.get(name);
    if (sha == null) {
      sha = load(redis, name);
    }
    try {
      return redis.evalsha(sha, ScriptOutputType.MULTI, keys, values);
    } catch (RedisNoScriptException e) {
      return redis.evalsha(load(redis, name), ScriptOutputType.MULTI, keys, values);
    }
  }

  private String load(RedisCommands<String, String> redis, Name name) {
    String sha = redis.scriptLoad(sources.get(name));
    shas.put(name, sha);
    return sha;
  }
}
