package io.mlsys.core;

import java.util.Locale;

/** The Open Inference Protocol tensor datatypes, with the Java array that holds each. */
public enum DataType {
  BOOL(1, Storage.BOOLEAN),
  UINT8(1, Storage.BYTE),
  UINT16(2, Storage.SHORT),
  UINT32(4, Storage.INT),
  UINT64(8, Storage.LONG),
  INT8(1, Storage.BYTE),
  INT16(2, Storage.SHORT),
  INT32(4, Storage.INT),
  INT64(8, Storage.LONG),
  FP16(2, Storage.SHORT),
  FP32(4, Storage.FLOAT),
  FP64(8, Storage.DOUBLE),
  BF16(2, Storage.SHORT),
  BYTES(-1, Storage.BYTES);

  /** The primitive array kind that holds a datatype's elements. */
  public enum Storage {
    BOOLEAN,
    BYTE,
    SHORT,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    BYTES
  }

  private final int byteSize;
  private final Storage storage;

  DataType(int byteSize, Storage storage) {
    this.byteSize = byteSize;
    this.storage = storage;
  }

  /** Bytes per element on the wire, or -1 for the variable-length {@link #BYTES}. */
  public int byteSize() {
    return byteSize;
  }

  public Storage storage() {
    return storage;
  }

  /** Whether elements are numbers: every datatype but {@link #BOOL} and {@link #BYTES}. */
  public boolean isNumeric() {
    return switch (this) {
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16 -> true;
      case BOOL, BYTES -> false;
    };
  }

  /** Whether elements are whole numbers: the signed and unsigned integer datatypes. */
  public boolean isIntegral() {
    return switch (this) {
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64 -> true;
      case BOOL, FP16, FP32, FP64, BF16, BYTES -> false;
    };
  }

  /** The name used by the protocol, e.g. {@code FP32}. */
  public String wireName() {
    return name();
  }

  /**
   * Parses a protocol datatype name.
   *
   * @throws InvalidInputException naming {@code field} when the name is not an OIP datatype
   */
  public static DataType fromWireName(String name, String field) {
    if (name == null) {
      throw new InvalidInputException(field, "missing (expected: one of " + allNames() + ")");
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          field, "'" + name + "' is not a datatype (expected: one of " + allNames() + ")");
    }
  }

  private static String allNames() {
    StringBuilder names = new StringBuilder();
    for (DataType type : values()) {
      if (!names.isEmpty()) {
        names.append(", ");
      }
      names.append(type.name());
    }
    return names.toString();
  }
}
