# shellcheck shell=bash
# Shared by bin/semafor, bin/test and .ci/run: finds a JDK >= 21 and the repository root.
# Source it; it defines functions and sets nothing until they are called.
#
#   semafor_find_jdk   sets JAVA_HOME and SEMAFOR_JAVA, or prints one line and exits 1
#   semafor_maven_opts appends the JDK 23+ flag that quiets Maven's Guava to MAVEN_OPTS
#
# Search order: $JAVA_HOME, then `java` on PATH, then the newest JDK under $SEMAFOR_JVM_DIR
# (default /usr/lib/jvm). A candidate counts only if it is a JDK (bin/java and bin/javac) of
# major version >= 21. SEMAFOR_JVM_DIR exists so tests can point the search somewhere empty.

SEMAFOR_MIN_JAVA=21

# The repository root: the parent of the bin/ folder holding this file, symlinks resolved.
SEMAFOR_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"

# Prints the full version of the JDK at $1 ("17.0.15", "25", "1.8.0_402"), or nothing.
# Reads the release file when there is one (fast); runs java -version otherwise.
_semafor_jdk_version() {
  local home=$1 version=""
  if [[ -r "$home/release" ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [[ -z "$version" && -x "$home/bin/java" ]]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
  fi
  printf '%s' "$version"
}

# Prints the major version for a full version string: "1.8.0_402" -> 8, "25.0.3" -> 25.
_semafor_major() {
  local v=$1
  [[ $v == 1.* ]] && v=${v#1.}
  v=${v%%[.+-]*}
  [[ $v =~ ^[0-9]+$ ]] && printf '%s' "$v"
}

# True if $1 is a JDK home of version >= SEMAFOR_MIN_JAVA.
_semafor_jdk_ok() {
  local home=$1 major
  [[ -n "$home" && -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 1
  major=$(_semafor_major "$(_semafor_jdk_version "$home")")
  [[ -n "$major" && "$major" -ge "$SEMAFOR_MIN_JAVA" ]]
}

_semafor_env_jdk() { printf '%s' "${JAVA_HOME:-}"; }

# The JDK home of the `java` on PATH, if any.
_semafor_path_jdk() {
  local java
  java=$(command -v java 2>/dev/null) || return 0
  java=$(readlink -f "$java")
  dirname "$(dirname "$java")"
}

# The newest JDK >= 21 in the system's JVM folder, if any.
_semafor_newest_system_jdk() {
  local dir=${SEMAFOR_JVM_DIR:-/usr/lib/jvm} home
  [[ -d "$dir" ]] || return 0
  for home in "$dir"/*/; do
    home=${home%/}
    if _semafor_jdk_ok "$home"; then
      printf '%s\t%s\n' "$(_semafor_jdk_version "$home")" "$home"
    fi
  done | sort -V -k1,1 | tail -n 1 | cut -f2
}

semafor_find_jdk() {
  local source home
  for source in _semafor_env_jdk _semafor_path_jdk _semafor_newest_system_jdk; do
    home=$("$source") # each source is asked only if the ones before it failed
    if _semafor_jdk_ok "$home"; then
      export JAVA_HOME="$home"
      SEMAFOR_JAVA="$home/bin/java"
      return 0
    fi
  done
  echo "semafor: no JDK ${SEMAFOR_MIN_JAVA} or newer found (looked at \$JAVA_HOME, java on PATH and ${SEMAFOR_JVM_DIR:-/usr/lib/jvm}); install a JDK ${SEMAFOR_MIN_JAVA}+ or set JAVA_HOME to one" >&2
  exit 1
}

# Maven's bundled Guava warns about sun.misc.Unsafe on JDK 24+. JDK 23+ accepts a flag that
# allows it quietly; older JDKs refuse to start with it, so probe before adding.
semafor_maven_opts() {
  local flag="--sun-misc-unsafe-memory-access=allow"
  [[ " ${MAVEN_OPTS:-} " == *" $flag "* ]] && return 0
  if "$SEMAFOR_JAVA" "$flag" -version >/dev/null 2>&1; then
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }$flag"
  fi
}
