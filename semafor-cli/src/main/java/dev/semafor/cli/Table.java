package dev.semafor.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row, then rows, two spaces between columns. By default the first
 * column is left-aligned and the others right-aligned; {@link #align} says otherwise.
 */
final class Table {
  private final List<String> header;
  private final boolean[] left;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
    this.left = new boolean[header.length];
    left[0] = true;
  }

  /** One letter per column, {@code l} for left and {@code r} for right, e.g. {@code "rllr"}. */
  Table align(String letters) {
    if (letters.length() != left.length || !letters.matches("[lr]*")) {
      throw new IllegalArgumentException(
          "alignment '" + letters + "' for " + left.length + " columns");
    }
    for (int i = 0; i < left.length; i++) {
      left[i] = letters.charAt(i) == 'l';
    }
    return this;
  }

  Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, header has " + header.size());
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object c : cells) {
      row.add(c == null ? "" : c.toString());
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] width = new int[header.size()];
    for (int i = 0; i < width.length; i++) {
      width[i] = header.get(i).length();
      for (List<String> row : rows) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    line(out, header, width);
    for (List<String> row : rows) {
      line(out, row, width);
    }
  }

  private void line(PrintWriter out, List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      if (i > 0) {
        b.append("  ");
      }
      String cell = cells.get(i);
      String pad = " ".repeat(width[i] - cell.length());
      b.append(left[i] ? cell + pad : pad + cell);
    }
    out.println(b.toString().stripTrailing());
  }
}
