package com.dcmms.telemetry.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The documentation a user reads from a clone: a short README, links that lead somewhere inside the
 * repository (files and GitHub heading anchors), and contract examples the schemas accept.
 */
class DocumentationTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```[ \\t]*$");
  private static final Pattern HEADING =
      Pattern.compile("(?m)^#{1,6}[ \\t]+(.+?)[ \\t]*#*[ \\t]*$");

  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  @Test
  void readmeHasAtMost150Lines() throws IOException {
    assertThat(Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8))
        .hasSizeLessThanOrEqualTo(150);
  }

  @Test
  void docsHoldTheRunbookSectionsTheAlertsLinkTo() throws IOException {
    assertThat(anchors(ROOT.resolve("docs/operations.md")))
        .contains(
            "job-not-running",
            "job-restarting",
            "no-completed-checkpoint",
            "checkpoints-failing",
            "questdb-unavailable",
            "high-rejection-ratio",
            "lag-growing",
            "backpressure");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pages")
  void everyRelativeLinkLeadsToAFileAndAnchorInTheRepository(Path page) throws IOException {
    List<String> broken = new ArrayList<>();
    for (String link : links(page)) {
      if (link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
        continue; // http:, https:, mailto: lead outside by design
      }
      int hash = link.indexOf('#');
      String file = hash < 0 ? link : link.substring(0, hash);
      String anchor = hash < 0 ? null : link.substring(hash + 1);
      Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
      if (!target.startsWith(ROOT)) {
        broken.add(link + " (outside the repository)");
      } else if (!Files.exists(target)) {
        broken.add(link + " (no such file)");
      } else if (anchor != null && !anchors(target).contains(anchor)) {
        broken.add(
            link + " (no heading with anchor #" + anchor + " in " + ROOT.relativize(target) + ")");
      }
    }
    assertThat(broken).as("broken links in %s", ROOT.relativize(page)).isEmpty();
  }

  /**
   * No file of the repository (docs, code, tests, build and deployment files) refers to a relative
   * path that leaves it: a user's clone has nothing beside it.
   */
  @Test
  void noFileRefersToAPathOutsideTheRepository() throws IOException {
    List<String> offending = new ArrayList<>();
    List<Path> files =
        new ArrayList<>(
            List.of(
                ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md"), ROOT.resolve("pom.xml")));
    for (String dir : List.of("src", "docs", "docker", "k8s", "bin", "bench", ".ci")) {
      try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    }
    for (Path f : files) {
      String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      outsideReferences(f, text).forEach(r -> offending.add(ROOT.relativize(f) + ": " + r));
    }
    assertThat(offending).isEmpty();
  }

  @Test
  void aRelativePathThatLeavesTheRepositoryIsFound() {
    Path page = ROOT.resolve("docs/operations.md");
    assertThat(outsideReferences(page, "see [the brief](../../elsewhere/brief.md)"))
        .containsExactly("../../elsewhere/brief.md");
    assertThat(outsideReferences(page, "see [the README](../README.md) and ./schemas/")).isEmpty();
  }

  private static final Pattern RELATIVE_PATH = Pattern.compile("(?:\\.\\./)+[A-Za-z0-9_.\\-/]*");

  /** The relative paths in {@code text} that, taken from {@code file}'s folder, leave the root. */
  private static List<String> outsideReferences(Path file, String text) {
    List<String> out = new ArrayList<>();
    Matcher m = RELATIVE_PATH.matcher(text);
    while (m.find()) {
      if (!file.getParent().resolve(m.group()).normalize().startsWith(ROOT)) {
        out.add(m.group());
      }
    }
    return out;
  }

  @Test
  void theContractsExamplesMatchTheirSchemas() throws IOException {
    Matcher json =
        Pattern.compile("(?ms)^```json\\n(.*?)^```")
            .matcher(Files.readString(ROOT.resolve("docs/contract.md"), StandardCharsets.UTF_8));
    List<String> examples = new ArrayList<>();
    while (json.find()) {
      examples.add(json.group(1));
    }

    assertThat(examples).hasSize(3);
    ContractSchemas.assertRawEventMatches(
        ContractSchemas.load(ContractSchemas.RAW_EVENT),
        examples.get(0).getBytes(StandardCharsets.UTF_8),
        "the raw event example");
    ContractSchemas.assertMatches(
        ContractSchemas.load(ContractSchemas.VALIDATED_TELEMETRY),
        examples.get(1).getBytes(StandardCharsets.UTF_8),
        "the validated_telemetry example");
    ContractSchemas.assertMatches(
        ContractSchemas.load(ContractSchemas.DEAD_LETTER),
        examples.get(2).getBytes(StandardCharsets.UTF_8),
        "the dead letter example");
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertThat(
            slugs(
                List.of(
                    "Kafka security (SASL, TLS)",
                    "`validated_telemetry`",
                    "2026-12-07 — issue #16: the gateway",
                    "Backpressure",
                    "Backpressure")))
        .containsExactly(
            "kafka-security-sasl-tls",
            "validated_telemetry",
            "2026-12-07--issue-16-the-gateway",
            "backpressure",
            "backpressure-1");
  }

  /** The link targets of a page, code blocks left out. */
  private static List<String> links(Path page) throws IOException {
    String text = FENCE.matcher(Files.readString(page, StandardCharsets.UTF_8)).replaceAll("");
    List<String> links = new ArrayList<>();
    Matcher m = LINK.matcher(text);
    while (m.find()) {
      links.add(m.group(1));
    }
    return links;
  }

  /** The anchors GitHub gives a Markdown file's headings; none for other files. */
  private static Set<String> anchors(Path file) {
    if (!file.toString().endsWith(".md") || Files.isDirectory(file)) {
      return Set.of();
    }
    try {
      String text = FENCE.matcher(Files.readString(file, StandardCharsets.UTF_8)).replaceAll("");
      List<String> headings = new ArrayList<>();
      Matcher m = HEADING.matcher(text);
      while (m.find()) {
        headings.add(m.group(1));
      }
      return new LinkedHashSet<>(slugs(headings));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, each space a
   * '-', and "-1", "-2"… for repeats.
   */
  static List<String> slugs(List<String> headings) {
    Map<String, Integer> seen = new HashMap<>();
    List<String> slugs = new ArrayList<>();
    for (String heading : headings) {
      String slug =
          heading
              .toLowerCase(Locale.ROOT)
              .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum);
      slugs.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return slugs;
  }
}
