package io.mlsys.core;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attributes of a {@link CallContext}: a handful of entries, immutable, as a linked list whose
 * head is the latest one set. A graph sets {@link CallAttribute#GRAPH_PATH} on each model call, so
 * {@link #with} allocates one link (a key set again shadows its older value) and {@link #get} walks
 * a few identity comparisons, with no hashing and no copying.
 */
final class CallAttributes extends AbstractMap<CallAttribute<?>, Object> {
  static final CallAttributes EMPTY = new CallAttributes(null, null, null, 0);

  private final CallAttribute<?> key;
  private final Object value;
  private final CallAttributes next;
  private final int size;

  private CallAttributes(CallAttribute<?> key, Object value, CallAttributes next, int size) {
    this.key = key;
    this.value = value;
    this.next = next;
    this.size = size;
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
  CallAttributes with(CallAttribute<?> newKey, Object newValue) {
    if (!newKey.type().isInstance(newValue)) {
      throw new IllegalArgumentException(
          "attribute "
              + newKey
              + ": a "
              + (newValue == null ? "null" : newValue.getClass().getName())
              + " (expected: a "
              + newKey.type().getName()
              + ")");
    }
    return new CallAttributes(newKey, newValue, this, containsKey(newKey) ? size : size + 1);
  }

  @Override
  public Object get(Object wanted) {
    for (CallAttributes link = this; link.key != null; link = link.next) {
      if (link.key == wanted) {
        return link.value;
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object wanted) {
    return get(wanted) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Entry<CallAttribute<?>, Object>> entrySet() {
    // The latest value of each key, oldest key first; built only when someone lists them.
    List<Entry<CallAttribute<?>, Object>> entries = new ArrayList<>(size);
    for (CallAttributes link = this; link.key != null; link = link.next) {
      CallAttribute<?> linkKey = link.key;
      if (entries.stream().noneMatch(entry -> entry.getKey() == linkKey)) {
        entries.add(new SimpleImmutableEntry<>(linkKey, link.value));
      }
    }
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<CallAttribute<?>, Object>> iterator() {
        return entries.reversed().iterator();
      }

      @Override
      public int size() {
        return entries.size();
      }
    };
  }
}
