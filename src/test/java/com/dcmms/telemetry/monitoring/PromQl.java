package com.dcmms.telemetry.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to find the metrics an expression reads: its vector selectors, by name or
 * by a {@code __name__=~"…"} pattern. promtool parses the same expressions for real ({@code
 * PromtoolTest}), so this never has to judge syntax.
 */
final class PromQl {
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "inf",
          "nan");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern NAME_MATCHER =
      Pattern.compile("__name__\\s*(=~|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** A metric an expression reads: an exact name, or a pattern for {@code __name__}. */
  record Selector(String name, boolean pattern) {
    boolean matches(String metric) {
      return pattern ? metric.matches(name) : metric.equals(name);
    }

    @Override
    public String toString() {
      return pattern ? "{__name__=~\"" + name + "\"}" : name;
    }
  }

  private PromQl() {}

  static List<Selector> selectors(String expr) {
    List<Selector> found = new ArrayList<>();
    Matcher byName = NAME_MATCHER.matcher(expr);
    while (byName.find()) {
      found.add(new Selector(byName.group(2).replace("\\\\", "\\"), byName.group(1).equals("=~")));
    }
    String rest = STRING.matcher(expr).replaceAll("\"\"");
    rest = rest.replaceAll("\\{[^}]*}", " "); // label matchers
    rest = rest.replaceAll("\\[[^]]*]", " "); // ranges and subqueries
    rest =
        rest.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Matcher id = IDENTIFIER.matcher(rest);
    while (id.find()) {
      String word = id.group();
      int after = id.end();
      while (after < rest.length() && Character.isWhitespace(rest.charAt(after))) {
        after++;
      }
      boolean function = after < rest.length() && rest.charAt(after) == '(';
      boolean number = id.start() > 0 && Character.isDigit(rest.charAt(id.start() - 1));
      if (!function && !number && !KEYWORDS.contains(word.toLowerCase())) {
        found.add(new Selector(word, false));
      }
    }
    return found;
  }

  /** The names of the series of a Prometheus text exposition (comments left out). */
  static Set<String> seriesNames(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(
            l -> {
              Matcher m = IDENTIFIER.matcher(l);
              if (m.lookingAt()) {
                names.add(m.group());
              }
            });
    return names;
  }
}
