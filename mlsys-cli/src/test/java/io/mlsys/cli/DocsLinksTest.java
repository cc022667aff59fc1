package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file a document points at exists in the checkout: relative Markdown links (and their {@code
 * #anchors}), mentions of {@code .md} files, and source or script paths in code spans. Paths under
 * {@code target/} or a {@code models/} folder are made by a build or an example's run and are not
 * checked.
 */
class DocsLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern MARKDOWN_FILE =
      Pattern.compile("(?<![\\w/.#-])((?:\\.\\.?/)?[\\w./-]*\\w\\.md)(?![\\w/])");
  private static final Pattern CODE_PATH =
      Pattern.compile(
          "`((?:\\.\\.?/)?[\\w.-]+(?:/[\\w.-]+)+\\.(?:java|sh|yaml|yml|proto|json|md))`");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.*)$");

  @Test
  void everyRelativeReferenceInTheDocsExists() throws IOException {
    Path root = ExamplesIT.checkoutRoot();
    List<String> broken = new ArrayList<>();
    for (Path doc : documents(root)) {
      String text = Files.readString(doc, StandardCharsets.UTF_8);
      String shown = root.relativize(doc).toString();
      Matcher link = LINK.matcher(text);
      while (link.find()) {
        String target = link.group(1);
        if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          check(doc, target, broken, shown);
        }
      }
      Set<String> mentioned = new HashSet<>();
      for (Pattern pattern : List.of(MARKDOWN_FILE, CODE_PATH)) {
        Matcher mention = pattern.matcher(text);
        while (mention.find()) {
          String target = mention.group(1);
          if (isChecked(root, doc, target) && mentioned.add(target)) {
            checkFile(root, doc, target, broken, shown);
          }
        }
      }
    }
    assertThat(broken).as("broken references in the docs").isEmpty();
  }

  @Test
  void aMissingFileIsFound() throws IOException {
    Path root = ExamplesIT.checkoutRoot();
    List<String> broken = new ArrayList<>();

    check(root.resolve("README.md"), "docs/nope.md", broken, "README.md");
    check(root.resolve("README.md"), "docs/configuration.md#no-such-heading", broken, "x");
    checkFile(root, root.resolve("bench/README.md"), "ARCHITECTURE.md", broken, "bench");

    assertThat(broken).hasSize(3);
  }

  /** README.md, docs/*.md, bench/README.md and every README.md under examples/. */
  private static List<Path> documents(Path root) throws IOException {
    List<Path> documents = new ArrayList<>();
    documents.add(root.resolve("README.md"));
    documents.add(root.resolve("bench/README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    try (Stream<Path> examples = Files.walk(root.resolve("examples"), 2)) {
      examples
          .filter(path -> path.getFileName().toString().equals("README.md"))
          .sorted()
          .forEach(documents::add);
    }
    return documents;
  }

  private static void check(Path doc, String target, List<String> broken, String shown)
      throws IOException {
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
    if (!Files.exists(resolved)) {
      broken.add(shown + ": " + target);
      return;
    }
    if (hash >= 0 && resolved.toString().endsWith(".md")) {
      String anchor = target.substring(hash + 1);
      if (!anchors(resolved).contains(anchor)) {
        broken.add(shown + ": " + target + " (no such heading)");
      }
    }
  }

  /**
   * Whether a mention names a file of the checkout: not build output or a folder an example fills,
   * and its first folder exists (so {@code DIR/mlsys.yaml}, a placeholder, is not checked).
   */
  private static boolean isChecked(Path root, Path doc, String target) {
    if (target.contains("target/") || target.contains("models/")) {
      return false;
    }
    int slash = target.indexOf('/');
    if (slash < 0 || target.startsWith("./") || target.startsWith("../")) {
      return true;
    }
    String first = target.substring(0, slash);
    return Files.isDirectory(doc.getParent().resolve(first))
        || Files.isDirectory(root.resolve(first));
  }

  /** A mention in prose may be relative to the document or to the checkout root. */
  private static void checkFile(
      Path root, Path doc, String target, List<String> broken, String shown) {
    if (!Files.exists(doc.getParent().resolve(target)) && !Files.exists(root.resolve(target))) {
      broken.add(shown + ": " + target);
    }
  }

  /** GitHub's anchors: headings lower-cased, punctuation dropped, spaces as dashes. */
  private static Set<String> anchors(Path doc) throws IOException {
    Set<String> anchors = new HashSet<>();
    Matcher heading = HEADING.matcher(Files.readString(doc, StandardCharsets.UTF_8));
    while (heading.find()) {
      anchors.add(
          heading
              .group(1)
              .strip()
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N}\\- _]", "")
              .replace(' ', '-'));
    }
    return anchors;
  }
}
