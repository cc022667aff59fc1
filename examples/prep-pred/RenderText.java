import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Renders one line of black text on white into a PNG, as a text-line crop an OCR detector would
 * hand to the direction classifier. Run as a single-file program:
 *
 * <pre>java RenderText.java "Hello mlsys 2026" upright.png [--rotate-180]</pre>
 */
public final class RenderText {
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--rotate-180"))) {
      System.err.println("usage: java RenderText.java TEXT OUT.png [--rotate-180]");
      System.exit(2);
    }
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = render(args[0]);
    if (args.length == 3) {
      image = rotate180(image);
    }
    ImageIO.write(image, "png", new File(args[1]));
    System.out.printf("wrote %s (%dx%d)%n", args[1], image.getWidth(), image.getHeight());
  }

  static BufferedImage render(String text) {
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 32);
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D measure = probe.createGraphics();
    FontMetrics metrics = measure.getFontMetrics(font);
    int width = metrics.stringWidth(text) + 16;
    int height = metrics.getHeight() + 8;
    measure.dispose();
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(font);
    g.drawString(text, 8, 4 + metrics.getAscent());
    g.dispose();
    return image;
  }

  static BufferedImage rotate180(BufferedImage image) {
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
