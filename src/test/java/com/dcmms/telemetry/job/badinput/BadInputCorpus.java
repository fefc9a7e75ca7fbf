package com.dcmms.telemetry.job.badinput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The bad-input corpus: the case files under {@code src/test/resources/bad-input/<category>/} and
 * the {@link GeneratedCases} that are binary or too big to keep as files.
 *
 * <p>A case file is a {@code #} comment saying what the case is, {@code reason:} (a reject reason
 * or ACCEPTED), optional {@code message:} (a fragment of the user's message) and {@code quality:}
 * (the stored quality flag), a line {@code ---}, then the payload; one final line break is not part
 * of it. In the payload {@code {{case}}} is the case's name, {@code {{now-1m}}} epoch milliseconds
 * relative to processing time (s, m, h, d) and {@code {{iso:now-1m}}} the same as ISO-8601, so that
 * timestamps stay inside or outside the accepted window on any day.
 */
public final class BadInputCorpus {
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{(case|(iso:)?now(?:([+-])(\\d+)([smhd]))?)}}");

  private BadInputCorpus() {}

  /** Every case: the files, then the generated ones. */
  public static List<BadInputCase> all() {
    List<BadInputCase> cases = new ArrayList<>(fromFiles());
    cases.addAll(GeneratedCases.all());
    return cases;
  }

  static List<BadInputCase> fromFiles() {
    Path root;
    try {
      root = Path.of(BadInputCorpus.class.getResource("/bad-input").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(f -> f.toString().endsWith(".case"))
          .sorted(Comparator.comparing(Path::toString))
          .map(f -> read(f.getParent().getFileName().toString(), f))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BadInputCase read(String category, Path file) {
    String name = file.getFileName().toString().replaceFirst("\\.case$", "");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int separator = text.indexOf("\n---\n");
    if (separator < 0) {
      throw new IllegalArgumentException(file + " has no line '---' before its payload");
    }
    String about = "";
    String reason = null;
    String message = "";
    String quality = null;
    for (String line : text.substring(0, separator).split("\n")) {
      if (line.startsWith("#")) {
        about = line.substring(1).trim();
      } else if (line.startsWith("reason: ")) {
        reason = line.substring(8).trim();
      } else if (line.startsWith("message: ")) {
        message = line.substring(9);
      } else if (line.startsWith("quality: ")) {
        quality = line.substring(9).trim();
      } else if (!line.isBlank()) {
        throw new IllegalArgumentException(file + ": unknown header line '" + line + "'");
      }
    }
    if (reason == null) {
      throw new IllegalArgumentException(file + " has no 'reason:' line");
    }
    String template = text.substring(separator + 5);
    String payload =
        template.endsWith("\n") ? template.substring(0, template.length() - 1) : template;
    return new BadInputCase(
        category,
        name,
        about,
        reason,
        message,
        quality,
        now -> render(payload, name, now).getBytes(StandardCharsets.UTF_8));
  }

  /** The payload with its placeholders filled in for this case and processing time. */
  static String render(String template, String caseName, long nowMillis) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value;
      if (m.group(1).equals("case")) {
        value = caseName;
      } else {
        long offset =
            m.group(3) == null ? 0 : unit(m.group(5)).toMillis() * Long.parseLong(m.group(4));
        long millis = nowMillis + ("-".equals(m.group(3)) ? -offset : offset);
        value =
            m.group(2) != null ? Instant.ofEpochMilli(millis).toString() : Long.toString(millis);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static Duration unit(String unit) {
    return switch (unit) {
      case "s" -> Duration.ofSeconds(1);
      case "m" -> Duration.ofMinutes(1);
      case "h" -> Duration.ofHours(1);
      default -> Duration.ofDays(1);
    };
  }
}
