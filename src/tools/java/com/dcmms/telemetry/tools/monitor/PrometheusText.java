package com.dcmms.telemetry.tools.monitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Series of a Prometheus text exposition, enough to sum and group Flink's gauges. */
final class PrometheusText {
  /** One line: name, labels, value. */
  record Series(String name, Map<String, String> labels, double value) {}

  private final List<Series> series;

  private PrometheusText(List<Series> series) {
    this.series = series;
  }

  static PrometheusText parse(String text) {
    List<Series> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Series s = parseLine(line.trim());
      if (s != null) {
        out.add(s);
      }
    }
    return new PrometheusText(out);
  }

  /** Sum of every series with this name (NaN values count as 0); NaN when there is none. */
  double sum(String name) {
    return sum(name, l -> true);
  }

  double sum(String name, Predicate<Map<String, String>> labels) {
    double total = 0;
    boolean found = false;
    for (Series s : series) {
      if (s.name.equals(name) && labels.test(s.labels)) {
        found = true;
        total += Double.isNaN(s.value) ? 0 : s.value;
      }
    }
    return found ? total : Double.NaN;
  }

  /** The highest value per value of a label, over the series with this name. */
  /**
   * The value of every series of {@code name}, keyed by its {@code task_name}#{@code
   * subtask_index}.
   */
  Map<String, Double> bySubtask(String name) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Series s : series) {
      if (s.name.equals(name) && !Double.isNaN(s.value)) {
        out.put(
            s.labels.getOrDefault("task_name", "")
                + "#"
                + s.labels.getOrDefault("subtask_index", ""),
            s.value);
      }
    }
    return out;
  }

  Map<String, Double> maxBy(String name, String label) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Series s : series) {
      if (s.name.equals(name) && !Double.isNaN(s.value)) {
        out.merge(s.labels.getOrDefault(label, ""), s.value, Math::max);
      }
    }
    return out;
  }

  private static Series parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.lastIndexOf(' ');
    if (space < 0) {
      return null;
    }
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int end = parseLabels(line, brace + 1, labels);
      if (end < 0) {
        return null;
      }
    } else {
      name = line.substring(0, line.indexOf(' '));
    }
    String valueText = line.substring(space + 1);
    double value;
    try {
      value =
          switch (valueText) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(valueText);
          };
    } catch (NumberFormatException e) {
      return null;
    }
    return new Series(name, labels, value);
  }

  /** Reads {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace. */
  private static int parseLabels(String line, int i, Map<String, String> labels) {
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '}') {
        return i + 1;
      }
      if (c == ',' || c == ' ') {
        i++;
        continue;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        return -1;
      }
      String key = line.substring(i, eq);
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      while (j < line.length() && line.charAt(j) != '"') {
        char v = line.charAt(j);
        if (v == '\\' && j + 1 < line.length()) {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(v);
        }
        j++;
      }
      labels.put(key, value.toString());
      i = j + 1;
    }
    return -1;
  }
}
