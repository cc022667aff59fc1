package io.mlsys.registry.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.registry.DataProfile;
import io.mlsys.registry.Lineage;
import io.mlsys.registry.ModelCard;
import io.mlsys.registry.ModelSignature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The JSON columns as format 1 wrote them (fixtures under {@code registry-format-1/}) still read: a
 * change to the records that breaks stored rows fails here first.
 */
class JsonFormatTest {

  private static String fixture(String name) throws IOException {
    try (InputStream in =
        JsonFormatTest.class.getResourceAsStream("/registry-format-1/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void formatOneSignatureReads() throws IOException {
    ModelSignature signature = Json.read(fixture("signature"), ModelSignature.class);
    assertThat(signature).isEqualTo(JdbcRegistryStoreTest.SIGNATURE);
    assertThat(Json.read(Json.write(signature), ModelSignature.class)).isEqualTo(signature);
  }

  @Test
  void formatOneLineageCardAndProfileRead() throws IOException {
    Lineage lineage = Json.read(fixture("lineage"), Lineage.class);
    assertThat(lineage.runId()).isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(lineage.metrics()).containsEntry("accuracy", 0.96);
    assertThat(lineage.environment()).containsEntry("jdk", "25");

    ModelCard card = Json.read(fixture("card"), ModelCard.class);
    assertThat(card.inputs().get(0).unit()).isEqualTo("cm");

    DataProfile profile = Json.read(fixture("profile"), DataProfile.class);
    assertThat(profile.rows()).isEqualTo(150);
    assertThat(profile.features().get(0).numeric().quantiles()).containsEntry("0.5", 4.35);
    assertThat(profile.features().get(1).categories()).containsEntry("virginica", 49L);
    assertThat(profile.features().get(1).missingRate()).isEqualTo(1 / 150.0);
    assertThat(Json.read(Json.write(profile), DataProfile.class)).isEqualTo(profile);
  }

  @Test
  void fieldsAddedByALaterFormatAreIgnored() {
    String newer =
        "{\"purpose\":\"p\",\"inputs\":[],\"owner\":\"o\",\"limitations\":\"l\",\"addedLater\":1}";
    assertThat(Json.read(newer, ModelCard.class).purpose()).isEqualTo("p");
  }
}
