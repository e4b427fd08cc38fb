package dev.semafor;

/**
 * The one place that says which names and keys Semafor accepts, so that what is stored is exactly
 * what was given and prints on one line.
 *
 * <ul>
 *   <li><b>Queue and task names</b> ({@link #queue}, {@link #task}): 1 to {@value #MAX_LENGTH}
 *       characters, each a letter or digit (any script) or one of {@code . _ - : / @ #}. No spaces,
 *       no control characters.
 *   <li><b>Keys</b> (unique, concurrency and rate keys; {@link #key}): 1 to {@value #MAX_LENGTH}
 *       characters, not blank, with no control or line-separator characters and no lone UTF-16
 *       surrogate; spaces and other printable characters are allowed.
 * </ul>
 *
 * Each check returns its argument unchanged or throws {@link IllegalArgumentException} with one
 * line that names what was wrong and where (the character's position and code point).
 */
public final class Names {
  /** The longest name or key, in UTF-16 characters. */
  public static final int MAX_LENGTH = 200;

  private static final String NAME_PUNCTUATION = "._-:/@#";

  private Names() {}

  /** Checks a queue name; returns it. */
  public static String queue(String name) {
    return name(name, "queue");
  }

  /** Checks a task name; returns it. */
  public static String task(String name) {
    return name(name, "task");
  }

  /** Checks a name of the kind {@code what} (used in the message); returns it. */
  static String name(String name, String what) {
    checkLength(name, what + " name");
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (!Character.isLetterOrDigit(cp) && NAME_PUNCTUATION.indexOf(cp) < 0) {
        throw new IllegalArgumentException(
            what
                + " name "
                + quoted(name)
                + " has "
                + describe(cp)
                + " at position "
                + (i + 1)
                + "; a "
                + what
                + " name may hold letters, digits and "
                + NAME_PUNCTUATION.replace("", " ").trim());
      }
      i += Character.charCount(cp);
    }
    return name;
  }

  /** Checks a unique, concurrency or rate key; {@code what} is e.g. "unique key". Returns it. */
  public static String key(String key, String what) {
    checkLength(key, what);
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      if (isControl(cp) || Character.isSurrogate((char) cp) && Character.isBmpCodePoint(cp)) {
        throw new IllegalArgumentException(
            what
                + " "
                + quoted(key)
                + " has "
                + describe(cp)
                + " at position "
                + (i + 1)
                + "; keys may not hold control characters or lone surrogates");
      }
      i += Character.charCount(cp);
    }
    return key;
  }

  private static void checkLength(String s, String what) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    if (s.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          what + " is longer than " + MAX_LENGTH + " characters (" + s.length() + ")");
    }
  }

  private static boolean isControl(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT;
  }

  private static String describe(int cp) {
    String hex = String.format("U+%04X", cp);
    if (cp == ' ') {
      return "a space";
    }
    if (isControl(cp) || Character.isWhitespace(cp) || Character.isSurrogate((char) cp)) {
      return "the character " + hex;
    }
    return "'" + new String(Character.toChars(cp)) + "' (" + hex + ")";
  }

  /** The name in quotes with anything unprintable escaped, so the message stays one line. */
  private static String quoted(String s) {
    return "'" + printable(s.length() > 60 ? s.substring(0, 57) + "..." : s) + "'";
  }

  /**
   * {@code text} with every control, line-separator and format character and every lone UTF-16
   * surrogate written as a backslash-u escape ({@code a\\u000ab} for a line break): a message that
   * quotes what a user typed stays one line and cannot move a terminal's cursor. Null stays null.
   */
  public static String printable(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (isControl(cp) || (cp <= 0xFFFF && Character.isSurrogate((char) cp))) {
        b.append(String.format("\\u%04x", cp));
      } else {
        b.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return b.toString();
  }
}
