package com.dcmms.telemetry.tools.bench;

import java.util.List;
import java.util.Locale;

/** End-to-end latency over the run as an SVG scatter plot: one colour per output, a log-free linear axis. */
final class LatencyPlot {
  /** A named series of (produce time epoch ms, latency ms) points. */
  record Series(String name, String colour, List<double[]> points) {}

  private static final int W = 900;
  private static final int H = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private LatencyPlot() {}

  static String svg(String title, List<Series> series) {
    double t0 = Double.MAX_VALUE;
    double t1 = -Double.MAX_VALUE;
    double maxMs = 1;
    for (Series s : series) {
      for (double[] p : s.points()) {
        t0 = Math.min(t0, p[0]);
        t1 = Math.max(t1, p[0]);
        maxMs = Math.max(maxMs, p[1]);
      }
    }
    if (t0 > t1) {
      t0 = 0;
      t1 = 1;
    }
    double spanS = Math.max(1, (t1 - t0) / 1000);
    double yMax = niceCeiling(maxMs);
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", W, H));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\">%s</text>%n", LEFT, escape(title)));
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    for (int i = 0; i <= 5; i++) {
      double v = yMax * i / 5;
      double y = TOP + plotH - plotH * i / 5.0;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
          + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, W - RIGHT, y, y, LEFT - 6, y + 4,
          v >= 1000 ? String.format(Locale.ROOT, "%.1f s", v / 1000) : String.format(Locale.ROOT, "%.0f ms", v)));
      double x = LEFT + plotW * i / 5.0;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f s</text>%n",
          x, H - BOTTOM + 18, spanS * i / 5));
    }
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
        LEFT, TOP, plotW, plotH));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time since the first sample "
        + "(produce time)</text>%n", LEFT + plotW / 2, H - 12));
    int legendX = LEFT + 10;
    for (Series s : series) {
      for (double[] p : s.points()) {
        double x = LEFT + plotW * ((p[0] - t0) / 1000) / spanS;
        double y = TOP + plotH - plotH * Math.min(p[1], yMax) / yMax;
        sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.5\" fill=\"%s\" fill-opacity=\"0.6\"/>%n",
            x, y, s.colour()));
      }
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\">%s (%d samples)</text>%n", legendX, TOP + 8, s.colour(), legendX + 14, TOP + 17,
          escape(s.name()), s.points().size()));
      legendX += 300;
    }
    return sb.append("</svg>\n").toString();
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
