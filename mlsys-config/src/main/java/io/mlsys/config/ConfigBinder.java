package io.mlsys.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a {@link ConfigDocument} to config records, reporting every violation of the file at once,
 * each with its full key path.
 *
 * <p>The rules, the same for every module's records:
 *
 * <ul>
 *   <li>A record is a mapping; each component is the key of its name in kebab-case ({@code
 *       maxBatchSize} is {@code max-batch-size}), or the name its accessor's {@link JsonProperty}
 *       gives. A key the record has no component for is refused, naming the keys it has.
 *   <li>An absent key takes the component's value in the record's {@link ConfigDefaults} (else
 *       null, or "missing" for a primitive); an explicit YAML {@code null} is null.
 *   <li>Scalars are strict: a string key refuses numbers (unless {@link ConfigText}), a number key
 *       refuses strings. A value that came from {@code ${VAR}} is text and is read as the type the
 *       key needs.
 *   <li>Durations are text such as {@code 250ms} or {@code PT2S}; paths resolve against the file's
 *       folder; enums are their constant names in kebab-case.
 *   <li>A {@link ConfigFamily}'s type is one of its kinds, chosen by key ({@link ConfigKindName}
 *       passes that key to options records that several kinds share); {@link ConfigKind} and {@link
 *       ConfigInline} flatten into the enclosing mapping (an inline {@code Map} takes the keys
 *       nothing else takes); {@link ConfigShorthand} builds a type from a scalar written in place
 *       of its mapping; a record of one component may be written as that component's value.
 *   <li>{@code Object} (also as the values of a {@code List} or {@code Map}) holds plain values:
 *       String, Long, Double, Boolean, and List and Map of them; null, an integer beyond 64 bits
 *       and a number that is not finite are refused.
 *   <li>Each subtree is bound on its own, so a violation in one key does not hide those of its
 *       siblings; a record whose components all bound is then built, and the {@link
 *       ConfigException} its constructor throws is reported under its key path. When a key of a
 *       record failed, the record's constructor still runs with that key's default (or null) in its
 *       place, and reports what it finds about the other keys.
 * </ul>
 *
 * <p>Values of other types are left to Jackson databind.
 */
public final class ConfigBinder {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final TypeFactory TYPES = MAPPER.getTypeFactory();
  private static final Object FAILED = new Object();

  /** How an unknown key's problem starts; the allowed keys follow, then ")". */
  private static final String UNKNOWN_KEY = "unknown key (expected one of: ";

  private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

  private final Map<Class<?>, ConfigFamily<?>> families;
  private final HiddenKeys hidden;
  private final ConfigDocument document;
  private final Violations violations;

  /**
   * Keys of records that a file does not have although their record does, for a record two files
   * share (a model of mlsys.yaml has {@code uri}, one of a repository's config.yaml has {@code
   * version-policy}): a hidden key binds as absent, is unknown when written, and is neither listed
   * among the allowed keys nor documented.
   *
   * @param byType the hidden keys of each record type
   */
  public record HiddenKeys(Map<Class<?>, Set<String>> byType) {
    public static final HiddenKeys NONE = new HiddenKeys(Map.of());

    public HiddenKeys {
      byType = Map.copyOf(byType);
    }

    /** These keys of {@code type} hidden. */
    public static HiddenKeys of(Class<?> type, Collection<String> keys) {
      return new HiddenKeys(Map.of(type, Set.copyOf(keys)));
    }

    boolean hides(Class<?> type, String key) {
      Set<String> keys = byType.get(type);
      return keys != null && keys.contains(key);
    }
  }

  private ConfigBinder(
      ConfigDocument document, Map<Class<?>, ConfigFamily<?>> families, HiddenKeys hidden) {
    this.document = document;
    this.families = families;
    this.hidden = hidden;
    this.violations = document == null ? new Violations() : document.violations();
  }

  /**
   * Binds a whole document to {@code type}, with the families installed on the class path.
   *
   * @throws ConfigException listing every violation in the document
   */
  public static <T> T bind(ConfigDocument document, Class<T> type) {
    return bind(document, type, installedFamilies());
  }

  /** Binds a whole document to {@code type}, installed families, with some keys hidden. */
  public static <T> T bind(ConfigDocument document, Class<T> type, HiddenKeys hiddenKeys) {
    return bind(document, type, installedFamilies(), hiddenKeys);
  }

  /** Binds a whole document to {@code type} with these families. */
  public static <T> T bind(
      ConfigDocument document, Class<T> type, Map<Class<?>, ConfigFamily<?>> families) {
    return bind(document, type, families, HiddenKeys.NONE);
  }

  private static <T> T bind(
      ConfigDocument document,
      Class<T> type,
      Map<Class<?>, ConfigFamily<?>> families,
      HiddenKeys hiddenKeys) {
    ConfigBinder binder = new ConfigBinder(document, families, hiddenKeys);
    JsonNode root = document.root();
    JsonNode tree =
        root.isMissingNode() || root.isNull() ? JsonNodeFactory.instance.objectNode() : root;
    Object value = binder.value(tree, type, null, "");
    binder.violations.throwIfAny(document.source());
    @SuppressWarnings("unchecked")
    T result = (T) value;
    return result;
  }

  /**
   * The families found through {@link ServiceLoader} (of the thread's context class loader), by the
   * type their components declare. Looked up once per class loader: the service files do not change
   * while it lives, and finding the families (and the node kinds and decorators they list) is most
   * of a warm reload's time otherwise.
   */
  public static Map<Class<?>, ConfigFamily<?>> installedFamilies() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Installed known = installed;
    if (known != null && known.loader().get() == loader) {
      return known.families();
    }
    Map<Class<?>, ConfigFamily<?>> found = new LinkedHashMap<>();
    for (ConfigFamily<?> family : ServiceLoader.load(ConfigFamily.class, loader)) {
      found.put(family.type(), family);
    }
    Map<Class<?>, ConfigFamily<?>> families = Collections.unmodifiableMap(found);
    installed = new Installed(new WeakReference<>(loader), families);
    return families;
  }

  /** The families of one class loader, held weakly so a discarded loader can go. */
  private record Installed(
      WeakReference<ClassLoader> loader, Map<Class<?>, ConfigFamily<?>> families) {}

  private static volatile Installed installed;

  /**
   * The config key of a record component: its accessor's {@link JsonProperty} name, else its name
   * in kebab-case. The one place a key name is derived, for binding and for documentation.
   */
  public static String keyOf(RecordComponent component) {
    JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
    if (property != null && !property.value().isEmpty()) {
      return property.value();
    }
    return KEBAB.translate(component.getName());
  }

  private static final PropertyNamingStrategies.KebabCaseStrategy KEBAB =
      new PropertyNamingStrategies.KebabCaseStrategy();

  /**
   * The kind name of a record of a sealed family: its simple name in kebab-case ({@code
   * VersionPolicy.Latest} is {@code latest}, {@code TransformConfig.MinMax} is {@code min-max}).
   */
  public static String kindOf(Class<?> record) {
    return KEBAB.translate(record.getSimpleName());
  }

  /** An enum constant's name in config: {@code LATEST_N} is {@code latest-n}. */
  public static String nameOf(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  // ---- values

  private Object value(JsonNode node, Type type, RecordComponent component, String path) {
    if (document.failed(node)) {
      return FAILED;
    }
    JavaType javaType = TYPES.constructType(type);
    Class<?> raw = javaType.getRawClass();
    if (raw == Object.class) {
      return plain(node, path);
    }
    if (node.isNull()) {
      return null;
    }
    if (raw == String.class) {
      if (node.isTextual()) {
        return node.textValue();
      }
      if (component != null
          && component.isAnnotationPresent(ConfigText.class)
          && node.isIntegralNumber()) {
        return node.asText();
      }
      return bad(node, path, "a string");
    }
    if (raw == int.class || raw == Integer.class) {
      return integer(node, path, Integer.MIN_VALUE, Integer.MAX_VALUE, true);
    }
    if (raw == long.class || raw == Long.class) {
      return integer(node, path, Long.MIN_VALUE, Long.MAX_VALUE, false);
    }
    if (raw == double.class || raw == Double.class) {
      return number(node, path);
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return bool(node, path);
    }
    if (raw == Duration.class) {
      if (node.isTextual()) {
        var parsed = Durations.parse(node.textValue());
        if (parsed.isPresent()) {
          return parsed.get();
        }
      }
      return bad(node, path, Durations.EXPECTED);
    }
    if (raw == Path.class) {
      if (node.isTextual()) {
        try {
          return document.baseDir().resolve(node.textValue()).normalize();
        } catch (InvalidPathException e) {
          return bad(node, path, "a file path");
        }
      }
      return bad(node, path, "a file path");
    }
    if (raw.isEnum()) {
      return enumValue(node, raw, path);
    }
    if (raw == List.class) {
      return list(node, javaType.containedTypeOrUnknown(0), component, path);
    }
    if (raw == Map.class && javaType.containedTypeOrUnknown(0).getRawClass() == String.class) {
      return map(node, javaType.containedTypeOrUnknown(1), path);
    }
    ConfigFamily<?> family = familyOf(raw);
    if (family != null) {
      return familyValue(node, family, path);
    }
    Method shorthand = shapeOf(raw).shorthand;
    if (shorthand != null && node.isValueNode()) {
      try {
        return shorthand.invoke(null, node.asText());
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof IllegalArgumentException expected) {
          // A shorthand says what it expected; the binder shows what was written.
          return bad(node, path, expected.getMessage());
        }
        return construct(
            path,
            () -> {
              throw e;
            });
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    if (shorthand != null && isLeafRecord(raw)) {
      return bad(node, path, "a string");
    }
    if (raw.isRecord() && !node.isObject() && shapeOf(raw).components.length == 1) {
      // A record of one key may be written as that key's value: latest: 2, specific: [1, 3].
      RecordComponent only = shapeOf(raw).components[0];
      Object value = value(node, only.getGenericType(), only, path);
      return value == FAILED
          ? FAILED
          : construct(path, () -> shapeOf(raw).constructor.newInstance(value));
    }
    if (raw.isRecord()) {
      if (!node.isObject() && shapeOf(raw).components.length == 0) {
        return bad(node, path, "{}");
      }
      if (!node.isObject()) {
        return bad(node, path, expectedMapping(raw));
      }
      return wholeRecord((ObjectNode) node, raw, path, null);
    }
    try {
      return MAPPER.treeToValue(node, javaType);
    } catch (Exception e) {
      return bad(node, path, "a value of type " + raw.getSimpleName());
    }
  }

  private Object integer(JsonNode node, String path, long min, long max, boolean narrow) {
    String expected = narrow ? "an integer (32-bit)" : "an integer";
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong() && node.longValue() >= min && node.longValue() <= max) {
        return narrow ? (Object) node.intValue() : (Object) node.longValue();
      }
      return bad(node, path, expected);
    }
    String text = fromVariable(node);
    if (text != null) {
      try {
        long value = Long.parseLong(text.strip());
        if (value >= min && value <= max) {
          return narrow ? (Object) (int) value : (Object) value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    return bad(node, path, expected);
  }

  private Object number(JsonNode node, String path) {
    if (node.isNumber()) {
      return node.doubleValue();
    }
    String text = fromVariable(node);
    if (text != null) {
      try {
        return Double.parseDouble(text.strip());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    return bad(node, path, "a number");
  }

  private Object bool(JsonNode node, String path) {
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String text = fromVariable(node);
    if ("true".equals(text == null ? null : text.strip())) {
      return true;
    }
    if ("false".equals(text == null ? null : text.strip())) {
      return false;
    }
    return bad(node, path, "true or false");
  }

  /** The expected form of a plain value. */
  private static final String EXPECTED_PLAIN =
      "a value: text, a number, true, false, a list or a mapping";

  /**
   * A plain Java value: String (a value from {@code ${VAR}} stays text), Long, Double, Boolean, and
   * unmodifiable List and Map of them.
   */
  private Object plain(JsonNode node, String path) {
    if (document.failed(node)) {
      return FAILED;
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? node.longValue() : bad(node, path, "an integer of 64 bits");
    }
    if (node.isNumber()) {
      return Double.isFinite(node.doubleValue())
          ? node.doubleValue()
          : bad(node, path, "a finite number");
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isArray()) {
      Object list = list(node, TYPES.constructType(Object.class), null, path);
      return list == FAILED ? FAILED : Collections.unmodifiableList((List<?>) list);
    }
    if (node.isObject()) {
      Object map = map(node, TYPES.constructType(Object.class), path);
      return map == FAILED ? FAILED : Collections.unmodifiableMap((Map<?, ?>) map);
    }
    return bad(node, path, EXPECTED_PLAIN);
  }

  /** The text of a value written as {@code ${VAR}}, which may stand for any scalar; else null. */
  private String fromVariable(JsonNode node) {
    return document.writtenAs(node) == null ? null : node.textValue();
  }

  private Object enumValue(JsonNode node, Class<?> type, String path) {
    List<String> names = new ArrayList<>();
    for (Object constant : type.getEnumConstants()) {
      String name = nameOf((Enum<?>) constant);
      if (node.isTextual() && node.textValue().equals(name)) {
        return constant;
      }
      names.add(name);
    }
    return bad(node, path, "one of: " + String.join(", ", names));
  }

  private Object list(JsonNode node, JavaType elementType, RecordComponent component, String path) {
    if (!node.isArray()) {
      return bad(node, path, "a list");
    }
    List<Object> values = new ArrayList<>(node.size());
    boolean ok = true;
    for (int i = 0; i < node.size(); i++) {
      Object value = value(node.get(i), elementType, component, path + "[" + i + "]");
      ok &= value != FAILED;
      values.add(value);
    }
    return ok ? values : FAILED;
  }

  private Object map(JsonNode node, JavaType valueType, String path) {
    if (!node.isObject()) {
      return bad(node, path, "a mapping");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      Object value =
          value(entry.getValue(), valueType, null, ConfigViolation.join(path, entry.getKey()));
      ok &= value != FAILED;
      values.put(entry.getKey(), value);
    }
    return ok ? values : FAILED;
  }

  // ---- families

  /**
   * The family of a type: an installed one, or a sealed interface of records, whose kinds are the
   * records' simple names in kebab-case ({@code VersionPolicy.Latest} is {@code latest}).
   */
  private ConfigFamily<?> familyOf(Class<?> type) {
    ConfigFamily<?> family = families.get(type);
    if (family == null && type.isInterface() && type.isSealed()) {
      family = SEALED.computeIfAbsent(type, ConfigBinder::sealedFamily);
    }
    return family;
  }

  private static final Map<Class<?>, ConfigFamily<?>> SEALED = new ConcurrentHashMap<>();

  private static ConfigFamily<?> sealedFamily(Class<?> type) {
    Map<String, Class<? extends Object>> kinds = new LinkedHashMap<>();
    for (Class<?> kind : type.getPermittedSubclasses()) {
      if (kind.isRecord()) {
        kinds.put(kindOf(kind), kind);
      }
    }
    String description = "a " + KEBAB.translate(type.getSimpleName()).replace('-', ' ');
    return new ConfigFamily<Object>() {
      @Override
      @SuppressWarnings("unchecked")
      public Class<Object> type() {
        return (Class<Object>) type;
      }

      @Override
      public Map<String, Class<? extends Object>> kinds() {
        return kinds;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public String placeholder() {
        return null;
      }
    };
  }

  /** {@code kind}, or {@code {kind: options}}: exactly one key, a kind's name. */
  private Object familyValue(JsonNode node, ConfigFamily<?> family, String path) {
    if (node.isTextual() && family.kinds().containsKey(node.textValue())) {
      return options(null, family.kinds().get(node.textValue()), path, node.textValue());
    }
    if (!node.isObject() || node.isEmpty()) {
      return bad(node, path, expectedKind(family));
    }
    if (node.size() > 1) {
      violations.add(
          path,
          "the keys "
              + String.join(", ", (Iterable<String>) node::fieldNames)
              + " (expected: exactly one of: "
              + String.join(", ", family.kinds().keySet())
              + ")");
      return FAILED;
    }
    String kind = node.fieldNames().next();
    Class<?> options = family.kinds().get(kind);
    if (options == null) {
      violations.add(ConfigViolation.join(path, kind), unknownKind(family));
      return FAILED;
    }
    return options(node.get(kind), options, path, kind);
  }

  /** Binds the kind key found among {@code node}'s keys ({@link ConfigKind}). */
  private Object inlineKind(
      ObjectNode node, ConfigFamily<?> family, String path, Set<String> consumed) {
    List<String> found = new ArrayList<>();
    node.fieldNames()
        .forEachRemaining(
            key -> {
              if (family.kinds().containsKey(key)) {
                found.add(key);
              }
            });
    if (found.isEmpty()) {
      violations.add(path, "no kind key (expected: " + expectedKind(family) + ")");
      return FAILED;
    }
    consumed.addAll(found);
    if (found.size() > 1) {
      violations.add(
          path,
          "several kinds: "
              + String.join(", ", found)
              + " (expected: exactly one of: "
              + String.join(", ", family.kinds().keySet())
              + ")");
      return FAILED;
    }
    String kind = found.getFirst();
    return options(node.get(kind), family.kinds().get(kind), path, kind);
  }

  private Object options(JsonNode node, Class<?> type, String path, String kind) {
    JsonNode value = node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : node;
    String kindPath = ConfigViolation.join(path, kind);
    if (value.isObject() && shapeOf(type).kindName >= 0 && !document.failed(value)) {
      return wholeRecord((ObjectNode) value, type, kindPath, kind);
    }
    return value(value, type, null, kindPath);
  }

  private static String expectedKind(ConfigFamily<?> family) {
    return family.description()
        + ": one of "
        + String.join(", ", family.kinds().keySet())
        + " as its key";
  }

  private static String unknownKind(ConfigFamily<?> family) {
    return "unknown kind (expected "
        + family.description()
        + ", one of the installed kinds: "
        + String.join(", ", family.kinds().keySet())
        + ")";
  }

  // ---- records

  /** A record that is a whole mapping: its keys, then the keys it does not know. */
  private Object wholeRecord(ObjectNode node, Class<?> type, String path, String kind) {
    Set<String> consumed = new HashSet<>();
    Object record = record(node, type, path, consumed, kind);
    unknownKeys(node, consumed, type, path);
    return record;
  }

  /**
   * Binds the components of {@code type} from {@code node}, adding the keys it takes to {@code
   * consumed}; {@code kind} is the key a family kind was written under, or null.
   */
  private Object record(
      ObjectNode node, Class<?> type, String path, Set<String> consumed, String kind) {
    Shape shape = shapeOf(type);
    Object[] args = new Object[shape.components.length];
    List<Integer> failed = new ArrayList<>();
    List<Integer> rest = new ArrayList<>();
    boolean plainKeysOnly = true;
    for (int i = 0; i < args.length; i++) {
      RecordComponent component = shape.components[i];
      Object value;
      boolean plainKey = false;
      if (component.isAnnotationPresent(ConfigKindName.class)) {
        value = kind;
      } else if (component.isAnnotationPresent(ConfigKind.class)) {
        ConfigFamily<?> family = familyOf(component.getType());
        if (family == null) {
          throw new IllegalStateException("no ConfigFamily for " + component.getType());
        }
        value = inlineKind(node, family, path, consumed);
      } else if (component.isAnnotationPresent(ConfigInline.class)
          && component.getType() == Map.class) {
        rest.add(i);
        continue;
      } else if (component.isAnnotationPresent(ConfigInline.class)) {
        value = record(node, component.getType(), path, consumed, null);
      } else {
        plainKey = true;
        String key = keyOf(component);
        JsonNode child = hidden.hides(type, key) ? null : node.get(key);
        if (child != null || !hidden.hides(type, key)) {
          consumed.add(key);
        }
        String childPath = ConfigViolation.join(path, key);
        if (child == null) {
          value = absent(shape, i, childPath);
        } else if (child.isNull() && component.getType().isPrimitive()) {
          value = bad(child, childPath, "a value, not null");
        } else {
          value = value(child, component.getGenericType(), component, childPath);
        }
      }
      if (value == FAILED) {
        failed.add(i);
        plainKeysOnly &= plainKey;
      }
      args[i] = value;
    }
    for (int i : rest) {
      // The keys no other component took, once those have taken theirs.
      ObjectNode others = JsonNodeFactory.instance.objectNode();
      node.properties()
          .forEach(
              entry -> {
                if (!consumed.contains(entry.getKey())) {
                  others.set(entry.getKey(), entry.getValue());
                }
              });
      others.fieldNames().forEachRemaining(consumed::add);
      JavaType valueType =
          TYPES.constructType(shape.components[i].getGenericType()).containedTypeOrUnknown(1);
      // The values keep their identity: the document knows them by it.
      Object value = map(others, valueType, path);
      if (value == FAILED) {
        failed.add(i);
        plainKeysOnly = false;
      }
      args[i] = value;
    }
    if (failed.isEmpty()) {
      return construct(path, () -> shape.constructor.newInstance(args));
    }
    if (plainKeysOnly) {
      checkWithDefaults(shape, args, failed, path);
    }
    return FAILED;
  }

  /**
   * Runs the record's own checks with the defaults (without {@link ConfigDefaults}: null, or zero
   * for a primitive) in place of the keys that failed, so that the other keys' violations are
   * reported too; violations of the replaced keys are dropped (the key's own violation is already
   * recorded).
   */
  private void checkWithDefaults(Shape shape, Object[] args, List<Integer> failed, String path) {
    List<String> replaced = new ArrayList<>();
    for (int index : failed) {
      RecordComponent component = shape.components[index];
      args[index] = replacement(shape, component);
      replaced.add(keyOf(component));
    }
    try {
      shape.constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof ConfigException config) {
        for (ConfigViolation violation : config.violations()) {
          String key = violation.path();
          boolean ofReplaced =
              replaced.stream()
                  .anyMatch(
                      r -> key.equals(r) || key.startsWith(r + ".") || key.startsWith(r + "["));
          if (!ofReplaced) {
            violations.add(violation.under(path));
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Only a check; the failed keys are already reported.
    }
  }

  private static Object replacement(Shape shape, RecordComponent component) {
    if (shape.defaults != null) {
      try {
        return component.getAccessor().invoke(shape.defaults);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    Class<?> type = component.getType();
    if (type == boolean.class) {
      return false;
    }
    if (type == double.class) {
      return 0.0;
    }
    if (type == long.class) {
      return 0L;
    }
    return type == int.class ? 0 : null;
  }

  private Object absent(Shape shape, int index, String path) {
    RecordComponent component = shape.components[index];
    if (shape.defaults != null) {
      try {
        return component.getAccessor().invoke(shape.defaults);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    if (component.getType().isPrimitive()) {
      violations.add(path, "missing");
      return FAILED;
    }
    return null;
  }

  private void unknownKeys(ObjectNode node, Set<String> consumed, Class<?> type, String path) {
    List<String> allowed = null;
    for (String key : (Iterable<String>) node::fieldNames) {
      if (!consumed.contains(key)) {
        if (allowed == null) {
          allowed = allowedKeys(type);
        }
        violations.add(
            ConfigViolation.join(path, key), UNKNOWN_KEY + String.join(", ", allowed) + ")");
      }
    }
  }

  /** The keys a mapping bound to {@code type} may hold, flattened parts included. */
  List<String> allowedKeys(Class<?> type) {
    Set<String> keys = new LinkedHashSet<>();
    for (RecordComponent component : shapeOf(type).components) {
      if (component.isAnnotationPresent(ConfigKind.class)) {
        ConfigFamily<?> family = familyOf(component.getType());
        if (family != null) {
          keys.addAll(family.kinds().keySet());
        }
      } else if (component.isAnnotationPresent(ConfigInline.class)) {
        if (component.getType() != Map.class) {
          keys.addAll(allowedKeys(component.getType()));
        }
      } else if (!component.isAnnotationPresent(ConfigKindName.class)
          && !hidden.hides(type, keyOf(component))) {
        keys.add(keyOf(component));
      }
    }
    return List.copyOf(keys);
  }

  /** What a record's mapping is said to be: its keys, unless any key is allowed. */
  private String expectedMapping(Class<?> type) {
    return takesAnyKey(type)
        ? "a mapping"
        : "a mapping with keys: " + String.join(", ", allowedKeys(type));
  }

  private static boolean takesAnyKey(Class<?> type) {
    for (RecordComponent component : shapeOf(type).components) {
      if (component.isAnnotationPresent(ConfigInline.class)
          && (component.getType() == Map.class || takesAnyKey(component.getType()))) {
        return true;
      }
    }
    return false;
  }

  private interface Construction {
    Object run() throws ReflectiveOperationException;
  }

  private Object construct(String path, Construction construction) {
    try {
      return construction.run();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConfigException config) {
        violations.addAll(path, config);
      } else if (cause instanceof IllegalArgumentException
          || cause instanceof NullPointerException) {
        violations.add(path, String.valueOf(cause.getMessage()));
      } else if (cause instanceof RuntimeException runtime) {
        throw runtime;
      } else if (cause instanceof Error error) {
        throw error;
      } else {
        throw new IllegalStateException(cause);
      }
      return FAILED;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build config type at " + path, e);
    }
  }

  private Object bad(JsonNode node, String path, String expected) {
    String written = document.writtenAs(node);
    String shown = written == null ? shown(node) : "'" + written + "' = " + shown(node);
    violations.add(path, shown + " (expected: " + expected + ")");
    return FAILED;
  }

  /** How a YAML value is shown in a message. */
  static String shown(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    if (node.isTextual()) {
      return "'" + node.textValue() + "'";
    }
    if (node.isObject()) {
      return node.isEmpty() ? "{}" : "a mapping";
    }
    if (node.isArray()) {
      return node.isEmpty() ? "[]" : "a list";
    }
    return node.asText();
  }

  // ---- documentation

  /**
   * Every key path a document bound to {@code root} accepts, derived from the records as binding
   * does: {@code server.port}, {@code models.<name>.uri}, {@code [i]} for list items. A family is
   * listed once under its {@link ConfigFamily#placeholder()} ({@code <node>.model.name}), wherever
   * it nests.
   */
  public static List<String> keyPaths(Class<?> root, Map<Class<?>, ConfigFamily<?>> families) {
    return keyPaths(root, families, HiddenKeys.NONE);
  }

  /** The key paths of {@code root} without the hidden keys. */
  public static List<String> keyPaths(
      Class<?> root, Map<Class<?>, ConfigFamily<?>> families, HiddenKeys hiddenKeys) {
    ConfigBinder paths = new ConfigBinder(null, families, hiddenKeys);
    List<String> out = new ArrayList<>();
    Set<ConfigFamily<?>> documented = new LinkedHashSet<>();
    List<ConfigFamily<?>> pending = new ArrayList<>();
    paths.typePaths(TYPES.constructType(root), "", out, pending);
    while (!pending.isEmpty()) {
      ConfigFamily<?> family = pending.removeFirst();
      if (documented.add(family)) {
        for (Map.Entry<String, ? extends Class<?>> kind : family.kinds().entrySet()) {
          String path = family.placeholder() + "." + kind.getKey();
          out.add(path);
          paths.kindPaths(kind.getValue(), path, out, pending);
        }
      }
    }
    return List.copyOf(new LinkedHashSet<>(out));
  }

  private void typePaths(
      JavaType type, String prefix, List<String> out, List<ConfigFamily<?>> pending) {
    Class<?> raw = type.getRawClass();
    if (raw == List.class) {
      String item = prefix + "[i]";
      JavaType element = type.containedTypeOrUnknown(0);
      if (isStructured(element.getRawClass())) {
        out.add(item);
      }
      typePaths(element, item, out, pending);
    } else if (raw == Map.class) {
      JavaType value = type.containedTypeOrUnknown(1);
      if (isStructured(value.getRawClass())) {
        String entry = ConfigViolation.join(prefix, "<name>");
        out.add(entry);
        typePaths(value, entry, out, pending);
      }
    } else if (familyOf(raw) != null) {
      ConfigFamily<?> family = familyOf(raw);
      if (family.placeholder() == null) {
        for (Map.Entry<String, ? extends Class<?>> kind : family.kinds().entrySet()) {
          String path = ConfigViolation.join(prefix, kind.getKey());
          out.add(path);
          kindPaths(kind.getValue(), path, out, pending);
        }
      } else {
        pending.add(family);
      }
    } else if (raw.isRecord() && !isLeafRecord(raw)) {
      recordPaths(raw, prefix, out, pending);
    }
  }

  /**
   * A record's keys under {@code prefix}. A record that holds a family's kind key is an item of the
   * family: its other keys are listed under the family's placeholder ({@code <node>.timeout}). A
   * record of one component that is also written as a scalar (a shorthand) has no key of its own.
   */
  private void recordPaths(
      Class<?> type, String prefix, List<String> out, List<ConfigFamily<?>> pending) {
    Shape shape = shapeOf(type);
    if (shape.components.length == 1 && shape.shorthand != null) {
      typePaths(TYPES.constructType(shape.components[0].getGenericType()), prefix, out, pending);
      return;
    }
    String own = prefix;
    for (RecordComponent component : shape.components) {
      if (component.isAnnotationPresent(ConfigKind.class)) {
        ConfigFamily<?> family = familyOf(component.getType());
        if (family != null) {
          pending.add(family);
          if (family.placeholder() != null) {
            own = family.placeholder();
          }
        }
      }
    }
    for (RecordComponent component : shape.components) {
      if (component.isAnnotationPresent(ConfigKind.class)
          || component.isAnnotationPresent(ConfigKindName.class)
          || hidden.hides(type, keyOf(component))) {
        continue;
      }
      if (component.isAnnotationPresent(ConfigInline.class)) {
        typePaths(TYPES.constructType(component.getGenericType()), own, out, pending);
      } else {
        String path = ConfigViolation.join(own, keyOf(component));
        out.add(path);
        typePaths(TYPES.constructType(component.getGenericType()), path, out, pending);
      }
    }
  }

  /**
   * A kind's keys; a kind of one key is documented by its value form ({@code latest: 2}, {@code
   * transform: [...]}), whose own structure is listed at the kind's path.
   */
  private void kindPaths(
      Class<?> options, String prefix, List<String> out, List<ConfigFamily<?>> pending) {
    if (options.isRecord() && shapeOf(options).components.length == 1) {
      RecordComponent only = shapeOf(options).components[0];
      typePaths(TYPES.constructType(only.getGenericType()), prefix, out, pending);
    } else {
      typePaths(TYPES.constructType(options), prefix, out, pending);
    }
  }

  private boolean isStructured(Class<?> type) {
    return (type.isRecord() && !isLeafRecord(type))
        || familyOf(type) != null
        || type == List.class
        || type == Map.class;
  }

  /** A record written only as a scalar, such as a compiled rule. */
  private static boolean isLeafRecord(Class<?> type) {
    Shape shape = shapeOf(type);
    return shape.shorthand != null && shape.shorthand.getAnnotation(ConfigShorthand.class).only();
  }

  // ---- reflection, once per type

  /**
   * What the binder needs of a type: components, constructor, defaults, shorthand, and the index of
   * its {@link ConfigKindName} component (-1: none).
   */
  private record Shape(
      RecordComponent[] components,
      Constructor<?> constructor,
      Object defaults,
      Method shorthand,
      int kindName) {}

  private static Shape shapeOf(Class<?> type) {
    return SHAPES.computeIfAbsent(type, ConfigBinder::inspect);
  }

  private static Shape inspect(Class<?> type) {
    Method shorthand = null;
    Object defaults = null;
    for (Method method : type.getDeclaredMethods()) {
      if (!Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      if (method.isAnnotationPresent(ConfigShorthand.class)) {
        method.setAccessible(true);
        shorthand = method;
      }
      if (method.isAnnotationPresent(ConfigDefaults.class)) {
        try {
          method.setAccessible(true);
          defaults = method.invoke(null);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("defaults of " + type, e);
        }
      }
    }
    if (!type.isRecord()) {
      return new Shape(new RecordComponent[0], null, null, shorthand, -1);
    }
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    int kindName = -1;
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      if (components[i].isAnnotationPresent(ConfigKindName.class)) {
        kindName = i;
      }
    }
    try {
      Constructor<?> constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
      return new Shape(components, constructor, defaults, shorthand, kindName);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("no canonical constructor in " + type, e);
    }
  }
}
