package dev.mailwarden.examples.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.testing.Environment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report of the fixture logs in headless Chromium (Debian {@code chromium}) with
 * networking off, then checks the page Chromium built (its DOM) and the pixels it drew.
 */
class HtmlReportChromiumIT {
  @TempDir Path dir;

  private static final List<String> FLAGS =
      List.of(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--hide-scrollbars");

  private String chromium(Path chromium, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(chromium.toString());
    cmd.addAll(FLAGS);
    cmd.add("--user-data-dir=" + Files.createTempDirectory(dir, "profile-"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd).redirectError(dir.resolve("chromium-stderr.log").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(p.exitValue()).as("chromium exit status").isZero();
    return out;
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void report_rendersInHeadlessChromium_withItsNumbersAndCharts() throws Exception {
    Path chromium = Environment.requireBinary("chromium", "chromium");
    LogReport r = MailLogAnalyzerPflogsummTest.analyze("mail.log.1.gz", "mail.log");
    Path page = dir.resolve("report.html");
    Files.writeString(page, HtmlReport.render(r, 10), StandardCharsets.UTF_8);

    String dom = chromium(chromium, "--dump-dom", page.toUri().toString());
    // the numbers of the report, as Chromium parsed them
    assertThat(dom)
        .contains("<b>" + r.totals().received() + "</b>received")
        .contains("<b>" + r.totals().rejected() + "</b>rejected")
        .contains("<b>" + r.totals().bytesDelivered() + "</b>bytes delivered");
    // 24 hours x 3 series, one bar per reject reason, one per sender (at most 15)
    String hourly =
        dom.substring(
            dom.indexOf("<svg id=\"hourly-chart\""),
            dom.indexOf("</svg>", dom.indexOf("<svg id=\"hourly-chart\"")));
    assertThat(count(hourly, "<rect class=\"bar\"")).isEqualTo(72);
    assertThat(hourly).contains("data-value=\"" + r.hourly().get(14).delivered() + "\"");
    String rejects = dom.substring(dom.indexOf("<svg id=\"rejects-chart\""));
    assertThat(count(rejects.substring(0, rejects.indexOf("</svg>")), "<rect class=\"bar\""))
        .isEqualTo(Math.min(15, r.rejects().size()));
    assertThat(dom)
        .contains("<svg id=\"senders-chart\"")
        .contains("alice@example.org")
        .contains("volume_spike")
        .contains("203.0.113.200")
        .contains("192.0.2.25");

    Path png = dir.resolve("report.png");
    chromium(chromium, "--window-size=1200,2400", "--screenshot=" + png, page.toUri().toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG screenshot").isNotNull();
    // the charts were drawn: pixels in the bar colours of received, delivered and rejected
    assertThat(colourPixels(image, 0x3b6ea5)).isGreaterThan(500);
    assertThat(colourPixels(image, 0x4d9a5b)).isGreaterThan(100);
    assertThat(colourPixels(image, 0xc0504d)).isGreaterThan(500);
    Path keep = Path.of(System.getProperty("mailwarden.logs.screenshot", "target/logs-report.png"));
    Files.createDirectories(keep.toAbsolutePath().getParent());
    Files.copy(png, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static int colourPixels(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }
}
