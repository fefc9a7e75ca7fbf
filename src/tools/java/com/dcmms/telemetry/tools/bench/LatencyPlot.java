package com.dcmms.telemetry.tools.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Values over time as an SVG scatter plot, one colour per series, linear axes: end-to-end latency
 * over a run, or (stacked panels sharing the time axis) the soak's RSS, state size and latency.
 */
final class LatencyPlot {
  /** A named series of (epoch ms, value) points. */
  record Series(String name, String colour, List<double[]> points) {}

  /** One panel: its heading, how a value reads on its axis, its series. */
  record Panel(String heading, DoubleFunction<String> axis, List<Series> series) {}

  static final DoubleFunction<String> MILLIS =
      v ->
          v >= 1000
              ? String.format(Locale.ROOT, "%.1f s", v / 1000)
              : String.format(Locale.ROOT, "%.0f ms", v);
  static final DoubleFunction<String> MEGABYTES =
      v -> String.format(Locale.ROOT, v >= 10 || v == 0 ? "%.0f MB" : "%.1f MB", v);

  private static final int W = 900;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;
  private static final int PANEL_GAP = 40;

  private LatencyPlot() {}

  /** One latency panel, its time axis from the first point. */
  static String svg(String title, List<Series> series) {
    return stacked(
        title,
        "time since the first sample (produce time)",
        330,
        List.of(new Panel("", MILLIS, series)));
  }

  /**
   * Panels of {@code panelHeight} pixels, one under the other, on one time axis from the first
   * point of any.
   */
  static String stacked(String title, String timeAxis, int panelHeight, List<Panel> panels) {
    double t0 = Double.MAX_VALUE;
    double t1 = -Double.MAX_VALUE;
    for (Panel panel : panels) {
      for (Series s : panel.series()) {
        for (double[] p : s.points()) {
          t0 = Math.min(t0, p[0]);
          t1 = Math.max(t1, p[0]);
        }
      }
    }
    if (t0 > t1) {
      t0 = 0;
      t1 = 1;
    }
    int h = TOP + panels.size() * panelHeight + (panels.size() - 1) * PANEL_GAP + BOTTOM;
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
            W,
            h));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n",
            LEFT,
            escape(title)));
    for (int i = 0; i < panels.size(); i++) {
      panel(sb, panels.get(i), TOP + i * (panelHeight + PANEL_GAP), panelHeight, t0, t1);
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
            LEFT + (W - LEFT - RIGHT) / 2,
            h - 12,
            escape(timeAxis)));
    return sb.append("</svg>\n").toString();
  }

  private static void panel(
      StringBuilder sb, Panel panel, int top, int plotH, double t0, double t1) {
    double max = 0;
    for (Series s : panel.series()) {
      for (double[] p : s.points()) {
        max = Math.max(max, p[1]);
      }
    }
    double spanS = Math.max(1, (t1 - t0) / 1000);
    double yMax = niceCeiling(max > 0 ? max : 1);
    int plotW = W - LEFT - RIGHT;
    for (int i = 0; i <= 5; i++) {
      double y = top + plotH - plotH * i / 5.0;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              LEFT,
              W - RIGHT,
              y,
              y,
              LEFT - 6,
              y + 4,
              panel.axis().apply(yMax * i / 5)));
      double x = LEFT + plotW * i / 5.0;
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>%n",
              x,
              top + plotH + 18,
              spanS * i / 5));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
            LEFT,
            top,
            plotW,
            plotH));
    if (!panel.heading().isEmpty()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n",
              LEFT,
              top - 6,
              escape(panel.heading())));
    }
    int legendX = LEFT + 10;
    for (Series s : panel.series()) {
      for (double[] p : s.points()) {
        double x = LEFT + plotW * ((p[0] - t0) / 1000) / spanS;
        double y = top + plotH - plotH * Math.min(p[1], yMax) / yMax;
        sb.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\" fill=\"%s\" fill-opacity=\"0.6\"/>%n",
                x,
                y,
                s.colour()));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s (%d samples)</text>%n",
              legendX,
              top + 8,
              s.colour(),
              legendX + 14,
              top + 17,
              escape(s.name()),
              s.points().size()));
      legendX += 300;
    }
  }

  /** 1, 2 or 5 times a power of ten, at or above {@code v}. */
  static double niceCeiling(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
