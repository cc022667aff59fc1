package io.mlsys.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One parsed YAML config file, with {@code ${NAME}} and {@code ${NAME:-default}} already read from
 * the environment (write <code>$${</code> for a literal <code>${</code>). It remembers which values
 * came from a variable: those are text in YAML, so {@link ConfigBinder} reads them as the type the
 * key needs ({@code port: ${PORT}} works), while a literal of the wrong type is never coerced.
 *
 * <p>Syntax errors, YAML aliases, several documents and files over {@link #MAX_FILE_BYTES} fail at
 * once; a variable that is unset and has no default is a violation at its key path, reported with
 * the rest of the file's violations.
 */
public final class ConfigDocument {
  /** Config files larger than this are refused. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String source;
  private final Path baseDir;
  private final JsonNode root;
  private final Map<JsonNode, String> substituted = new IdentityHashMap<>();
  private final Set<JsonNode> failed = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Violations violations = new Violations();

  private ConfigDocument(String source, Path baseDir, JsonNode root, Map<String, String> env) {
    this.source = source;
    this.baseDir = baseDir.toAbsolutePath().normalize();
    this.root = substituteAll(root, "", Map.copyOf(env));
  }

  /**
   * Reads a config file; relative paths in it resolve against its folder.
   *
   * @throws ConfigException when the file is missing, too large, not UTF-8 or not valid YAML
   */
  public static ConfigDocument read(Path file, Map<String, String> environment) {
    String name = file.toString();
    String text;
    try {
      checkSize(Files.size(file), name);
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (NoSuchFileException e) {
      throw whole(name, "no such file (expected: a YAML config file)");
    } catch (CharacterCodingException e) {
      throw whole(name, "not UTF-8 text (expected: a YAML file in UTF-8)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
    }
    return parse(text, name, folderOf(file), environment);
  }

  /**
   * Parses config text.
   *
   * @param source the name messages give the text, such as {@code mlsys.yaml}
   * @param baseDir the folder relative paths resolve against
   */
  public static ConfigDocument parse(
      String yaml, String source, Path baseDir, Map<String, String> environment) {
    checkSize(yaml.length(), source);
    return new ConfigDocument(
        source, Objects.requireNonNull(baseDir, "baseDir"), tree(yaml, source), environment);
  }

  /** The file's name in messages. */
  public String source() {
    return source;
  }

  /** The folder relative paths resolve against. */
  public Path baseDir() {
    return baseDir;
  }

  /** The tree after substitution; a missing node when the file is empty. */
  public JsonNode root() {
    return root;
  }

  /** The text as written, {@code ${PORT}}, of a value that came from the environment; or null. */
  String writtenAs(JsonNode node) {
    return substituted.get(node);
  }

  /** Whether the value's substitution failed (and is already recorded). */
  boolean failed(JsonNode node) {
    return failed.contains(node);
  }

  /**
   * The violations found so far (substitution, binding, and what the caller adds); {@link
   * ConfigBinder#bind} throws them all at once.
   */
  public Violations violations() {
    return violations;
  }

  private static Path folderOf(Path file) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    return parent == null ? file.toAbsolutePath().getRoot() : parent;
  }

  private static void checkSize(long size, String source) {
    if (size > MAX_FILE_BYTES) {
      throw whole(
          source, size + " bytes (expected: a config file of at most " + MAX_FILE_BYTES + ")");
    }
  }

  private static ConfigException whole(String source, String problem) {
    return new ConfigException(source, List.of(new ConfigViolation("", problem)));
  }

  // ---- ${VAR}

  private JsonNode substituteAll(JsonNode node, String path, Map<String, String> env) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        field.setValue(
            substituteAll(field.getValue(), ConfigViolation.join(path, field.getKey()), env));
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, substituteAll(array.get(i), path + "[" + i + "]", env));
      }
    } else if (node.isTextual() && node.textValue().contains("${")) {
      String text = substitute(node.textValue(), path, env);
      if (text == null) {
        failed.add(node);
        return node;
      }
      TextNode value = new TextNode(text);
      substituted.put(value, node.textValue());
      return value;
    }
    return node;
  }

  /** Substitutes {@code ${NAME}} and {@code ${NAME:-default}}; null (recorded) on failure. */
  private String substitute(String text, String path, Map<String, String> env) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          violations.add(
              path,
              "'"
                  + text
                  + "' has an unclosed ${ (expected: ${NAME} or ${NAME:-default};"
                  + " write $${ for a literal ${)");
          return null;
        }
        String expression = text.substring(i + 2, end);
        int separator = expression.indexOf(":-");
        String name = separator < 0 ? expression : expression.substring(0, separator);
        if (!ENV_NAME.matcher(name).matches()) {
          violations.add(
              path,
              "'"
                  + text
                  + "' (expected: ${NAME} or ${NAME:-default}, NAME of letters, digits and '_')");
          return null;
        }
        String value = env.get(name);
        if (separator >= 0 && (value == null || value.isEmpty())) {
          value = expression.substring(separator + 2);
        }
        if (value == null) {
          violations.add(
              path,
              "'"
                  + text
                  + "' (expected: the environment variable "
                  + name
                  + " to be set, or a default as in ${"
                  + name
                  + ":-value})");
          return null;
        }
        out.append(value);
        i = end + 1;
      } else {
        out.append(text.charAt(i));
        i++;
      }
    }
    return out.toString();
  }

  // ---- YAML

  /** Parses YAML to a tree; syntax errors, aliases and extra documents fail at once. */
  private static JsonNode tree(String text, String source) {
    try {
      int documents = 0;
      // First pass: Jackson's tree reader would keep an alias as the plain text of its name.
      try (JsonParser parser = MAPPER.createParser(text)) {
        int depth = 0;
        JsonToken token;
        while ((token = parser.nextToken()) != null) {
          if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            throw syntax(
                source,
                parser.currentLocation(),
                "the alias *"
                    + parser.getText()
                    + " (expected: the value written out; YAML anchors and aliases are not"
                    + " supported)");
          }
          if (depth == 0) {
            documents++;
          }
          if (token.isStructStart()) {
            depth++;
          } else if (token.isStructEnd()) {
            depth--;
          }
        }
      }
      if (documents > 1) {
        throw whole(source, documents + " YAML documents (expected: one; remove the extra ---)");
      }
      return documents == 0 ? MissingNode.getInstance() : MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw syntax(source, e.getLocation(), condense(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ConfigException syntax(String source, JsonLocation location, String problem) {
    String where =
        location == null || location.getLineNr() < 0
            ? "not valid YAML: "
            : "not valid YAML at line "
                + location.getLineNr()
                + ", column "
                + location.getColumnNr()
                + ": ";
    return whole(source, where + problem);
  }

  /** SnakeYAML's messages repeat the source snippet; keep only the sentences. */
  private static String condense(String message) {
    if (message == null) {
      return "unreadable";
    }
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty()
          && !line.startsWith("    ")
          && !trimmed.startsWith("in 'reader'")
          && !trimmed.equals("^")) {
        parts.add(trimmed);
      }
    }
    return parts.isEmpty() ? message.strip() : String.join("; ", parts);
  }
}
