package io.mlsys.core;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The attributes of a {@link CallContext}: a handful of entries, immutable, copied on write. A
 * graph sets {@link CallAttribute#GRAPH_PATH} on every node it enters, so {@link #with} costs one
 * small array copy and {@link #get} a scan of a few identity comparisons, with no hashing.
 */
final class CallAttributes extends AbstractMap<CallAttribute<?>, Object> {
  static final CallAttributes EMPTY = new CallAttributes(new CallAttribute<?>[0], new Object[0]);

  private final CallAttribute<?>[] keys;
  private final Object[] values;

  private CallAttributes(CallAttribute<?>[] keys, Object[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** Checked copy of any map: each value must be of its key's type; null keys or values throw. */
  static CallAttributes of(Map<CallAttribute<?>, Object> attributes) {
    if (attributes instanceof CallAttributes known) {
      return known;
    }
    CallAttributes copy = EMPTY;
    for (Map.Entry<CallAttribute<?>, Object> entry : attributes.entrySet()) {
      copy = copy.with(entry.getKey(), entry.getValue());
    }
    return copy;
  }

  /** These attributes with {@code key} set to {@code value}. */
  CallAttributes with(CallAttribute<?> key, Object value) {
    if (!key.type().isInstance(value)) {
      throw new IllegalArgumentException(
          "attribute "
              + key
              + ": a "
              + (value == null ? "null" : value.getClass().getName())
              + " (expected: a "
              + key.type().getName()
              + ")");
    }
    int index = indexOf(key);
    if (index >= 0) {
      Object[] newValues = values.clone();
      newValues[index] = value;
      return new CallAttributes(keys, newValues);
    }
    CallAttribute<?>[] newKeys = Arrays.copyOf(keys, keys.length + 1);
    Object[] newValues = Arrays.copyOf(values, values.length + 1);
    newKeys[keys.length] = key;
    newValues[values.length] = value;
    return new CallAttributes(newKeys, newValues);
  }

  private int indexOf(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] == key) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public Object get(Object key) {
    int index = indexOf(key);
    return index < 0 ? null : values[index];
  }

  @Override
  public boolean containsKey(Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public Set<Entry<CallAttribute<?>, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<CallAttribute<?>, Object>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Entry<CallAttribute<?>, Object> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            Entry<CallAttribute<?>, Object> entry =
                new SimpleImmutableEntry<>(keys[next], values[next]);
            next++;
            return entry;
          }
        };
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }
}
