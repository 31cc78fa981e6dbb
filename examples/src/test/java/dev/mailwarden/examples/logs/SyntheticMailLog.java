package dev.mailwarden.examples.logs;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a synthetic Postfix log of a given size for the throughput benchmark: the line mix of a
 * busy small MX (inbound deliveries, postscreen and smtpd rejects, authenticated submissions,
 * deferrals, bounces, SASL guessing), unique queue ids, bounded pools of senders, recipients and
 * clients (50,000 senders, 22,000 recipients, 10,000 clients) so that what the report must remember
 * stops growing early: memory must then stay flat however large the file. Deterministic.
 *
 * <pre>
 * java -cp examples/target/test-classes dev.mailwarden.examples.logs.SyntheticMailLog /tmp/mail-1g.log 1073741824
 * </pre>
 */
public final class SyntheticMailLog {
  private static final String[] MONTHS = {"Nov"};
  private static final String ALPHA = "BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789";

  private final SplittableRandom rnd = new SplittableRandom(42);
  private final StringBuilder b = new StringBuilder(512);
  private long seq;
  private long seconds; // since Nov 1 00:00

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: SyntheticMailLog FILE BYTES");
      System.exit(64);
    }
    long written = new SyntheticMailLog().write(Path.of(args[0]), Long.parseLong(args[1]));
    System.out.println(written + " bytes written to " + args[0]);
  }

  long write(Path file, long bytes) throws IOException {
    long written = 0;
    try (BufferedWriter w =
        new BufferedWriter(
            new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.ISO_8859_1),
            1 << 20)) {
      while (written < bytes) {
        b.setLength(0);
        event();
        w.append(b);
        written += b.length();
        seconds += rnd.nextInt(3);
      }
    }
    return written;
  }

  private long stampSecond = -1;
  private String stamp = "";

  private String stamp() {
    if (stampSecond == seconds) {
      return stamp;
    }
    stampSecond = seconds;
    long day = 1 + (seconds / 86400) % 30;
    long s = seconds % 86400;
    stamp = String.format("%s %2d %02d:%02d:%02d", MONTHS[0], day, s / 3600, s / 60 % 60, s % 60);
    return stamp;
  }

  private String qid() {
    long n = ++seq * 2654435761L;
    StringBuilder q = new StringBuilder("4Q");
    for (int i = 0; i < 12; i++) {
      q.append(ALPHA.charAt((int) Long.remainderUnsigned(n, ALPHA.length())));
      n = Long.divideUnsigned(n, ALPHA.length());
    }
    return q.toString();
  }

  private void line(String text) {
    b.append(stamp()).append(" mx ").append(text).append('\n');
  }

  private void event() {
    int kind = rnd.nextInt(100);
    if (kind < 55) {
      inbound();
    } else if (kind < 80) {
      reject();
    } else if (kind < 95) {
      outbound();
    } else {
      guess();
    }
  }

  private String client() {
    int c = rnd.nextInt(10_000);
    return c % 4 == 0
        ? "unknown[198.18." + (c >> 8) + "." + (c & 255) + "]"
        : "mail"
            + c
            + ".sender"
            + (c % 997)
            + ".example[198.18."
            + (c >> 8)
            + "."
            + (c & 255)
            + "]";
  }

  private void inbound() {
    String q = qid();
    String client = client();
    int pid = 2000 + rnd.nextInt(30000);
    int u = rnd.nextInt(50_000);
    String sender = "user" + u + "@sender" + (u % 997) + ".example";
    line("postfix/smtpd[" + pid + "]: connect from " + client);
    line("postfix/smtpd[" + pid + "]: " + q + ": client=" + client);
    line(
        "postfix/cleanup["
            + (pid + 1)
            + "]: "
            + q
            + ": message-id=<"
            + q
            + "."
            + rnd.nextInt(1 << 30)
            + "@sender.example>");
    line(
        "postfix/qmgr[1100]: "
            + q
            + ": from=<"
            + sender
            + ">, size="
            + (500 + rnd.nextInt(80_000))
            + ", nrcpt=1 (queue active)");
    line(
        "postfix/smtpd["
            + pid
            + "]: disconnect from "
            + client
            + " ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7");
    String rcpt = "box" + rnd.nextInt(2_000) + "@example.org";
    line(
        "postfix/lmtp["
            + (pid + 2)
            + "]: "
            + q
            + ": to=<"
            + rcpt
            + ">, relay=mx.example.org[private/dovecot-lmtp], delay=0.4, "
            + "delays=0.1/0.01/0.01/0.28, dsn=2.0.0, status=sent (250 2.0.0 <"
            + rcpt
            + "> nK3xAQAAh3Yr Saved)");
    line("postfix/qmgr[1100]: " + q + ": removed");
  }

  private void reject() {
    String ip = "203.0." + rnd.nextInt(256) + "." + rnd.nextInt(256);
    int pid = 2000 + rnd.nextInt(30000);
    switch (rnd.nextInt(4)) {
      case 0 -> {
        line(
            "postfix/postscreen[1201]: CONNECT from ["
                + ip
                + "]:"
                + (30000 + rnd.nextInt(30000))
                + " to [192.0.2.25]:25");
        line(
            "postfix/postscreen[1201]: NOQUEUE: reject: RCPT from ["
                + ip
                + "]:41234: 550 5.7.1 Service unavailable; client ["
                + ip
                + "] blocked using zen.spamhaus.org; from=<promo@spam.example>, to=<box1@example.org>, proto=ESMTP, helo=<spam.example>");
        line("postfix/postscreen[1201]: DISCONNECT [" + ip + "]:41234");
      }
      case 1 ->
          line(
              "postfix/smtpd["
                  + pid
                  + "]: NOQUEUE: reject: RCPT from unknown["
                  + ip
                  + "]: 550 5.1.1 <nobody"
                  + rnd.nextInt(5000)
                  + "@example.org>: Recipient address rejected: User unknown in virtual mailbox table; from=<x@y.example> to=<nobody@example.org> proto=ESMTP helo=<y.example>");
      case 2 ->
          line(
              "postfix/smtpd["
                  + pid
                  + "]: NOQUEUE: reject: RCPT from unknown["
                  + ip
                  + "]: 504 5.5.2 <localhost>: Helo command rejected: "
                  + "need fully-qualified hostname; from=<a@b.example> to=<box2@example.org> proto=ESMTP helo=<localhost>");
      default -> {
        line("postfix/smtpd[" + pid + "]: connect from unknown[" + ip + "]");
        line("postfix/smtpd[" + pid + "]: lost connection after EHLO from unknown[" + ip + "]");
        line("postfix/smtpd[" + pid + "]: disconnect from unknown[" + ip + "] ehlo=1 commands=1");
      }
    }
  }

  private void outbound() {
    String q = qid();
    int u = rnd.nextInt(200);
    int pid = 2000 + rnd.nextInt(30000);
    String client = "unknown[192.0.2." + (u % 250) + "]";
    line(
        "postfix/submission/smtpd["
            + pid
            + "]: "
            + q
            + ": client="
            + client
            + ", sasl_method=PLAIN, sasl_username=user"
            + u
            + "@example.org");
    line(
        "postfix/qmgr[1100]: "
            + q
            + ": from=<user"
            + u
            + "@example.org>, size="
            + (900 + rnd.nextInt(20_000))
            + ", nrcpt=2 (queue active)");
    for (int r = 0; r < 2; r++) {
      int f = rnd.nextInt(20_000);
      String to = "friend" + f + "@remote" + (f % 300) + ".example";
      int outcome = rnd.nextInt(50);
      String status =
          outcome == 0
              ? "dsn=4.4.1, status=deferred (connect to mx.remote.example[198.51.100.7]:25: Connection timed out)"
              : outcome == 1
                  ? "dsn=5.7.1, status=bounced (host mx.remote.example[198.51.100.7] said: 550 5.7.1 Message rejected as spam (in reply to end of DATA command))"
                  : "dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as "
                      + Long.toHexString(rnd.nextLong() >>> 20)
                      + ")";
      line(
          "postfix/smtp["
              + (pid + 1)
              + "]: "
              + q
              + ": to=<"
              + to
              + ">, relay=mx.remote.example[198.51.100.7]:25, delay=1.1, delays=0.05/0.01/0.5/0.54, "
              + status);
    }
    line("postfix/qmgr[1100]: " + q + ": removed");
  }

  private void guess() {
    line(
        "postfix/submission/smtpd["
            + (2000 + rnd.nextInt(30000))
            + "]: warning: unknown[203.0.113."
            + rnd.nextInt(64)
            + "]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");
  }
}
