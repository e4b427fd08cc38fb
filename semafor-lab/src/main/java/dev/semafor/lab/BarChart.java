package dev.semafor.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A horizontal bar chart as hand-built SVG text: one labelled bar per row, its value at its end.
 */
final class BarChart {
  private static final int LEFT = 170;
  private static final int BAR_SPACE = 420;
  private static final int RIGHT = 150;
  private static final int ROW = 34;
  private static final int TOP = 64;

  /** One bar: {@code value} sets its length; {@code text} is written after it. */
  record Bar(String label, double value, String text, boolean highlight) {}

  private BarChart() {}

  static String svg(String title, String subtitle, List<Bar> bars) {
    double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
    int width = LEFT + BAR_SPACE + RIGHT;
    int height = TOP + bars.size() * ROW + 20;
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\" font-size=\"13\">%n",
            width,
            height,
            width,
            height));
    b.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    b.append(text(12, 24, "font-size=\"16\" font-weight=\"bold\"", title));
    b.append(text(12, 44, "fill=\"#555\"", subtitle));
    for (int i = 0; i < bars.size(); i++) {
      Bar bar = bars.get(i);
      int y = TOP + i * ROW;
      int len = max <= 0 ? 0 : (int) Math.round(bar.value() / max * BAR_SPACE);
      b.append(text(LEFT - 10, y + 17, "text-anchor=\"end\"", bar.label()));
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"24\" fill=\"%s\"/>%n",
              LEFT,
              y,
              Math.max(len, 1),
              bar.highlight() ? "#d9534f" : "#2b7bb9"));
      b.append(text(LEFT + len + 8, y + 17, "", bar.text()));
    }
    b.append("</svg>\n");
    return b.toString();
  }

  static void write(Path file, String svg) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, svg, StandardCharsets.UTF_8);
  }

  private static String text(int x, int y, String attributes, String content) {
    return String.format(
        Locale.ROOT, "<text x=\"%d\" y=\"%d\" %s>%s</text>%n", x, y, attributes, escape(content));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
