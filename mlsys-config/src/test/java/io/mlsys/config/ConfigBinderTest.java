package io.mlsys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {
  /** A family of two test kinds. */
  interface Shape {}

  record Circle(double radius) implements Shape {
    Circle {
      if (radius <= 0) {
        throw new ConfigException("radius", radius + " (expected: > 0)");
      }
    }

    @ConfigShorthand
    public static Circle of(String radius) {
      return new Circle(Double.parseDouble(radius));
    }
  }

  record Square(Integer side) implements Shape {}

  static final ConfigFamily<Shape> SHAPES =
      new ConfigFamily<>() {
        @Override
        public Class<Shape> type() {
          return Shape.class;
        }

        @Override
        public Map<String, Class<? extends Shape>> kinds() {
          Map<String, Class<? extends Shape>> kinds = new LinkedHashMap<>();
          kinds.put("circle", Circle.class);
          kinds.put("square", Square.class);
          return kinds;
        }

        @Override
        public String description() {
          return "a shape";
        }

        @Override
        public String placeholder() {
          return "<shape>";
        }
      };

  enum Mode {
    FAST,
    VERY_SAFE
  }

  record Placed(@ConfigKind Shape shape, Duration timeout) {}

  record Step(String when, @ConfigInline Placed placed) {}

  record Settings(
      int port,
      String host,
      @ConfigText String version,
      boolean enabled,
      Duration grace,
      Path file,
      Mode mode,
      Shape favourite,
      List<Step> steps,
      Map<String, Placed> named,
      @JsonProperty("default") Placed fallback) {
    @ConfigDefaults
    public static Settings defaults() {
      return new Settings(
          8080,
          "localhost",
          null,
          true,
          Duration.ofSeconds(5),
          null,
          Mode.FAST,
          null,
          List.of(),
          Map.of(),
          null);
    }
  }

  private static Settings bind(String yaml, Map<String, String> env) {
    ConfigDocument document = ConfigDocument.parse(yaml, "test.yaml", Path.of("/base"), env);
    return ConfigBinder.bind(document, Settings.class, Map.of(Shape.class, SHAPES));
  }

  private static List<String> violations(String yaml) {
    try {
      bind(yaml, Map.of());
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected violations");
  }

  @Test
  void absentKeysTakeTheDefaults() {
    Settings settings = bind("", Map.of());
    assertThat(settings).isEqualTo(Settings.defaults());
  }

  @Test
  void bindsEveryShape() {
    Settings settings =
        bind(
            """
            port: 9000
            version: 3
            grace: 250ms
            file: data/x.csv
            mode: very-safe
            favourite: {square: {side: 2}}
            steps:
              - when: always
                circle: 1.5
                timeout: 2s
              - square: {}
            named:
              a: {circle: {radius: 2}}
            default: {square: {side: 1}}
            """,
            Map.of());
    assertThat(settings.port()).isEqualTo(9000);
    assertThat(settings.host()).isEqualTo("localhost");
    assertThat(settings.version()).isEqualTo("3");
    assertThat(settings.grace()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.file()).isEqualTo(Path.of("/base/data/x.csv"));
    assertThat(settings.mode()).isEqualTo(Mode.VERY_SAFE);
    assertThat(settings.favourite()).isEqualTo(new Square(2));
    assertThat(settings.steps())
        .containsExactly(
            new Step("always", new Placed(new Circle(1.5), Duration.ofSeconds(2))),
            new Step(null, new Placed(new Square(null), null)));
    assertThat(settings.named()).containsEntry("a", new Placed(new Circle(2), null));
    assertThat(settings.fallback()).isEqualTo(new Placed(new Square(1), null));
  }

  @Test
  void reportsEveryViolationWithItsPath() {
    assertThat(
            violations(
                """
                port: '8080'
                host: 7
                enabled: yes please
                grace: soon
                mode: slow
                colour: red
                favourite: triangle
                steps:
                  - circle: -1
                  - circle: 1
                    square: {}
                  - when: x
                  - hexagon: {}
                    timeout: 1s
                named:
                  a: {circle: {radius: 1, extra: 2}}
                """))
        .containsExactlyInAnyOrder(
            "port: '8080' (expected: an integer (32-bit))",
            "host: 7 (expected: a string)",
            "enabled: 'yes please' (expected: true or false)",
            "grace: 'soon' (expected: " + Durations.EXPECTED + ")",
            "mode: 'slow' (expected: one of: fast, very-safe)",
            "colour: unknown key (expected one of: port, host, version, enabled, grace, file, mode,"
                + " favourite, steps, named, default)",
            "favourite: 'triangle' (expected: a shape: one of circle, square as its key)",
            "steps[0].circle.radius: -1.0 (expected: > 0)",
            "steps[1]: several kinds: circle, square (expected: exactly one of: circle, square)",
            "steps[2]: no kind key (expected: a shape: one of circle, square as its key)",
            "steps[3]: no kind key (expected: a shape: one of circle, square as its key)",
            "steps[3].hexagon: unknown key (expected one of: when, circle, square, timeout)",
            "named.a.circle.extra: unknown key (expected one of: radius)");
  }

  @Test
  void valuesFromVariablesAreReadAsTheTypeTheKeyNeeds() {
    Settings settings =
        bind(
            "port: ${PORT}\nenabled: ${ON:-false}\nhost: ${HOST}\n",
            Map.of("PORT", "9090", "HOST", "h"));
    assertThat(settings.port()).isEqualTo(9090);
    assertThat(settings.enabled()).isFalse();
    assertThat(settings.host()).isEqualTo("h");

    assertThatThrownBy(() -> bind("port: ${PORT}\nhost: ${MISSING}\n", Map.of("PORT", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("port: '${PORT}' = 'x' (expected: an integer (32-bit))")
        .hasMessageContaining("host: '${MISSING}' (expected: the environment variable MISSING");
  }

  @Test
  void explicitNullIsNullButNotForAPrimitive() {
    assertThat(bind("host: null\n", Map.of()).host()).isNull();
    assertThat(violations("port: null\n"))
        .containsExactly("port: null (expected: a value, not null)");
  }

  @Test
  void aHiddenKeyIsAbsentUnknownWhenWrittenAndUndocumented() {
    ConfigBinder.HiddenKeys hidden = ConfigBinder.HiddenKeys.of(Settings.class, List.of("host"));
    ConfigDocument empty = ConfigDocument.parse("", "test.yaml", Path.of("/base"), Map.of());
    ConfigDocument written =
        ConfigDocument.parse("host: h\n", "test.yaml", Path.of("/base"), Map.of());

    assertThat(ConfigBinder.bind(empty, Settings.class, hidden).host()).isEqualTo("localhost");
    assertThatThrownBy(() -> ConfigBinder.bind(written, Settings.class, hidden))
        .hasMessageContaining("host: unknown key (expected one of: port, version,");
    assertThat(ConfigBinder.keyPaths(Settings.class, Map.of(Shape.class, SHAPES), hidden))
        .contains("port")
        .doesNotContain("host");
  }

  @Test
  void keyPathsComeFromTheRecords() {
    assertThat(ConfigBinder.keyPaths(Settings.class, Map.of(Shape.class, SHAPES)))
        .contains(
            "port",
            "favourite",
            "steps",
            "steps[i]",
            "steps[i].when",
            "named.<name>",
            "default",
            "<shape>.timeout",
            "<shape>.circle",
            "<shape>.square")
        .doesNotContain("steps[i].timeout", "named.<name>.timeout", "default.timeout");
  }

  // ---- kinds that share a record, inline mappings, plain values

  /** A family whose plug-in kinds share one record that knows the name it was written under. */
  interface Tool {}

  record Hammer(int weight) implements Tool {}

  record Plugged(@ConfigKindName String name, @ConfigInline Map<String, Object> options)
      implements Tool {}

  static final ConfigFamily<Tool> TOOLS =
      new ConfigFamily<>() {
        @Override
        public Class<Tool> type() {
          return Tool.class;
        }

        @Override
        public Map<String, Class<? extends Tool>> kinds() {
          Map<String, Class<? extends Tool>> kinds = new LinkedHashMap<>();
          kinds.put("hammer", Hammer.class);
          kinds.put("saw", Plugged.class);
          kinds.put("drill", Plugged.class);
          return kinds;
        }

        @Override
        public String description() {
          return "a tool";
        }

        @Override
        public String placeholder() {
          return "<tool>";
        }
      };

  /** Checks its keys together, so that a key that failed to bind hides nothing else. */
  record Pair(String name, Integer size) {
    Pair {
      Violations violations = new Violations();
      violations.check(name == null || !name.isBlank(), "name", name, "a non-blank name");
      violations.check(size == null || size >= 0, "size", size, ">= 0");
      violations.throwIfAny(null);
    }
  }

  /** Written as a list of names or as a count of them. */
  record Names(List<String> values) {
    @ConfigShorthand
    public static Names count(String text) {
      try {
        return new Names(List.of("n".repeat(Integer.parseInt(text)).split("")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a count, or a list of names");
      }
    }
  }

  record Box(
      List<Tool> tools,
      Map<String, Object> extras,
      Pair pair,
      Names names,
      @ConfigInline Map<String, Integer> counts) {}

  private static Box box(String yaml) {
    ConfigDocument document = ConfigDocument.parse(yaml, "box.yaml", Path.of("/base"), Map.of());
    return ConfigBinder.bind(document, Box.class, Map.of(Tool.class, TOOLS));
  }

  private static List<String> boxViolations(String yaml) {
    try {
      box(yaml);
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected violations");
  }

  @Test
  void kindsSharingARecordKnowTheirNameAndAnInlineMapTakesTheOtherKeys() {
    Box box =
        box(
            """
            tools: [ { hammer: { weight: 2 } }, { saw: { teeth: 40, sharp: true } }, drill ]
            extras: { a: [1, 2.5, x, { b: false }] }
            names: 2
            apples: 3
            pears: 4
            """);

    assertThat(box.tools())
        .containsExactly(
            new Hammer(2),
            new Plugged("saw", Map.of("teeth", 40L, "sharp", true)),
            new Plugged("drill", Map.of()));
    assertThat(box.extras()).isEqualTo(Map.of("a", List.of(1L, 2.5, "x", Map.of("b", false))));
    assertThat(box.names().values()).containsExactly("n", "n");
    assertThat(box.counts()).containsExactly(Map.entry("apples", 3), Map.entry("pears", 4));
    assertThat(box("names: [a, b]").names().values()).containsExactly("a", "b");
  }

  @Test
  void plainValuesAndInlineMapsAreChecked() {
    assertThat(
            boxViolations(
                """
                tools: [ { saw: { teeth: null } }, { saw: 5 } ]
                extras: { big: 99999999999999999999 }
                names: many
                apples: x
                """))
        .containsExactlyInAnyOrder(
            "tools[0].saw.teeth: null (expected: a value: text, a number, true, false, a list or a"
                + " mapping)",
            "tools[1].saw: 5 (expected: a mapping)",
            "extras.big: 99999999999999999999 (expected: an integer of 64 bits)",
            "names: 'many' (expected: a count, or a list of names)",
            "apples: 'x' (expected: an integer (32-bit))");
  }

  @Test
  void aRecordStillChecksItsOtherKeysWhenOneFailed() {
    assertThat(boxViolations("pair: { name: ' ', size: x }"))
        .containsExactly(
            "pair.size: 'x' (expected: an integer (32-bit))",
            "pair.name: ' ' (expected: a non-blank name)");
  }

  @Test
  void keyPathsListSharedKindsOnceAndNoKeysOfValueForms() {
    assertThat(ConfigBinder.keyPaths(Box.class, Map.of(Tool.class, TOOLS)))
        .containsExactly(
            "tools",
            "tools[i]",
            "extras",
            "pair",
            "pair.name",
            "pair.size",
            "names",
            "<tool>.hammer",
            "<tool>.saw",
            "<tool>.drill");
  }
}
