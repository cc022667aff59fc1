package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DataTypeTest {

  @Test
  void parsesEveryWireName() {
    for (DataType type : DataType.values()) {
      assertThat(DataType.fromWireName(type.wireName(), "datatype")).isEqualTo(type);
    }
  }

  @Test
  void unknownNameListsTheChoices() {
    assertThatThrownBy(() -> DataType.fromWireName("FP99", "inputs[0].datatype"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs[0].datatype: 'FP99' is not a datatype (expected: one of")
        .hasMessageContaining("BF16");
  }

  @Test
  void missingNameIsAnInputError() {
    assertThatThrownBy(() -> DataType.fromWireName(null, "inputs[1].datatype"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs[1].datatype: missing");
  }

  @Test
  void byteSizesFollowTheProtocol() {
    assertThat(DataType.FP16.byteSize()).isEqualTo(2);
    assertThat(DataType.UINT64.byteSize()).isEqualTo(8);
    assertThat(DataType.BYTES.byteSize()).isEqualTo(-1);
  }

  @Test
  void everyDatatypeButBoolAndBytesIsNumeric() {
    for (DataType type : DataType.values()) {
      assertThat(type.isNumeric())
          .as(type.name())
          .isEqualTo(type != DataType.BOOL && type != DataType.BYTES);
    }
  }

  @Test
  void integralDatatypesAreTheIntegerOnes() {
    for (DataType type : DataType.values()) {
      assertThat(type.isIntegral())
          .as(type.name())
          .isEqualTo(type.name().startsWith("INT") || type.name().startsWith("UINT"));
    }
  }
}
