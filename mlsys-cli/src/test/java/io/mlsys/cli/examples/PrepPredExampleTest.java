package io.mlsys.cli.examples;

import static io.mlsys.cli.examples.ExampleServer.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.testing.Fixtures;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/prep-pred: a base64 PNG in, declarative image preprocessing, PaddleOCR's direction
 * classifier, argmax to a label. The text line is rendered here, as run.sh renders it.
 */
class PrepPredExampleTest {
  private static final String GRAPH = "text-direction-graph";
  private static final String TEXT = "Hello mlsys 2026";
  private static ExampleServer server;

  @BeforeAll
  static void start() {
    Fixtures.require("paddleocr/ch_ppocr_mobile_v2.0_cls_infer.onnx");
    server = ExampleServer.start("prep-pred", "mlsys.yaml", Map.of());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anUprightTextLineIsDirectionZero() throws IOException {
    JsonNode answer = server.infer(GRAPH, images(png(render(TEXT))));

    assertThat(data(answer, "direction").get(0).asText()).isEqualTo("0");
  }

  @Test
  void theSameLineTurnedBy180DegreesIsDirection180() throws IOException {
    JsonNode answer = server.infer(GRAPH, images(png(rotate180(render(TEXT)))));

    assertThat(data(answer, "direction").get(0).asText()).isEqualTo("180");
  }

  @Test
  void aBatchOfImagesGetsOneDirectionEach() throws IOException {
    BufferedImage line = render(TEXT);

    JsonNode answer = server.infer(GRAPH, images(png(line), png(rotate180(line))));

    assertThat(data(answer, "direction").toString()).isEqualTo("[\"0\",\"180\"]");
    assertThat(ExampleServer.output(answer, "probabilities").get("shape").toString())
        .isEqualTo("[2,2]");
  }

  @Test
  void bytesThatAreNoImageAreABadRequestNamingTheRow() {
    ExampleServer.Reply reply =
        server.call("POST", "/v2/models/" + GRAPH + "/infer", images("not an image"));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().get("error").asText()).contains("row 0");
  }

  /** An infer request with one base64 BYTES row per image. */
  private static String images(String... base64) {
    StringBuilder rows = new StringBuilder();
    for (String image : base64) {
      rows.append(rows.isEmpty() ? "" : ",").append('"').append(image).append('"');
    }
    return "{\"inputs\":[{\"name\":\"image\",\"shape\":["
        + base64.length
        + "],\"datatype\":\"BYTES\",\"data\":["
        + rows
        + "]}]}";
  }

  private static String png(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  /** Black text on white, 32 px sans-serif, as examples/prep-pred/RenderText.java draws it. */
  private static BufferedImage render(String text) {
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 32);
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D measure = probe.createGraphics();
    FontMetrics metrics = measure.getFontMetrics(font);
    int width = metrics.stringWidth(text) + 16;
    int height = metrics.getHeight() + 8;
    measure.dispose();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(font);
    g.drawString(text, 8, 4 + metrics.getAscent());
    g.dispose();
    return image;
  }

  private static BufferedImage rotate180(BufferedImage image) {
    BufferedImage rotated =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rotated.createGraphics();
    AffineTransform turn = new AffineTransform();
    turn.rotate(Math.PI, image.getWidth() / 2.0, image.getHeight() / 2.0);
    g.drawImage(image, turn, null);
    g.dispose();
    return rotated;
  }
}
