package dev.semafor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code docs/cli.md} is the full reference: every command the CLI has (hidden ones aside) has a
 * section headed {@code ## `semafor NAME`}, and every option of it appears in its section (or its
 * parent command's, or under "Conventions" for the options every command shares).
 */
class CliDocsTest {
  private static final Path DOC = Path.of("..", "docs", "cli.md");

  /** {@code ## `semafor bench`} and {@code ### `semafor bench --latency`} both head bench. */
  private static final Pattern HEADING =
      Pattern.compile(
          "^#{1,4} (?:The )?`(semafor(?: [a-z][a-z-]*)*)(?: [^`]*)?`.*$", Pattern.MULTILINE);

  /** Options every command shares are described once, under "Conventions". */
  private static final Pattern CONVENTIONS =
      Pattern.compile("^## Conventions$(.*?)^## ", Pattern.MULTILINE | Pattern.DOTALL);

  private static final Pattern EXIT_CODES =
      Pattern.compile("^## Exit codes$(.*?)^## ", Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void everyCommandHasASectionAndEveryOptionIsInIt() throws IOException {
    String doc = Files.readString(DOC);
    Map<String, String> sections = sections(doc);
    String conventions = section(CONVENTIONS, doc);
    Cli cli =
        new Cli(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            Map.of(),
            false);
    List<String> missing = new ArrayList<>();
    walk(Main.commandLine(cli), sections, conventions, missing);
    assertThat(missing).as("missing from docs/cli.md").isEmpty();
  }

  @Test
  void theExitCodesAreDocumentedInOnePlace() throws IOException {
    String codes = section(EXIT_CODES, Files.readString(DOC));
    for (int code : new int[] {0, Main.FAILURE, Main.USAGE, Main.UNAVAILABLE, 130}) {
      assertThat(codes).as("exit code %d", code).containsPattern("\\| *`?" + code + "`? *\\|");
    }
  }

  private static String section(Pattern heading, String doc) {
    Matcher m = heading.matcher(doc);
    assertThat(m.find()).as("docs/cli.md has a section %s", heading).isTrue();
    return m.group(1);
  }

  private static void walk(
      CommandLine line, Map<String, String> sections, String conventions, List<String> missing) {
    CommandSpec spec = line.getCommandSpec();
    if (spec.usageMessage().hidden() || spec.helpCommand()) {
      return;
    }
    String name = spec.qualifiedName();
    String section = sections.get(name);
    if (section == null) {
      missing.add("a section `" + name + "`");
    } else {
      // a subcommand may refer to its parent's options ("the same filters as jobs")
      String parent =
          spec.parent() == null ? "" : sections.getOrDefault(spec.parent().qualifiedName(), "");
      for (OptionSpec option : spec.options()) {
        if (option.hidden() || option.inherited() || option.usageHelp() || option.versionHelp()) {
          continue;
        }
        for (String optionName : option.names()) {
          if (!mentions(section, optionName)
              && !mentions(parent, optionName)
              && !mentions(conventions, optionName)) {
            missing.add(name + " " + optionName);
          }
        }
      }
    }
    line.getSubcommands().values().stream()
        .distinct()
        .forEach(sub -> walk(sub, sections, conventions, missing));
  }

  private static boolean mentions(String text, String optionName) {
    return Pattern.compile("(?<![\\w-])" + Pattern.quote(optionName) + "(?![\\w-])")
        .matcher(text)
        .find();
  }

  /** The text under each heading, keyed by the command it is about. */
  private static Map<String, String> sections(String doc) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = HEADING.matcher(doc);
    List<Integer> starts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (m.find()) {
      starts.add(m.start());
      names.add(m.group(1));
    }
    for (int i = 0; i < names.size(); i++) {
      int end = i + 1 < names.size() ? starts.get(i + 1) : doc.length();
      out.merge(names.get(i), doc.substring(starts.get(i), end), String::concat);
    }
    return out;
  }
}
