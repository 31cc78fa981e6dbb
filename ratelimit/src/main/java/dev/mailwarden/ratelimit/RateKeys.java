package dev.mailwarden.ratelimit;

import dev.mailwarden.MailSession;
import dev.mailwarden.internal.DomainNames;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The built-in {@link RateKey}s. */
final class RateKeys {
  private RateKeys() {}

  static final RateKey AUTHENTICATED_USER =
      new SessionKey(
          "user",
          s ->
              s.authenticatedUser()
                  .map(String::trim)
                  .filter(u -> !u.isEmpty())
                  .map(u -> u.toLowerCase(Locale.ROOT)));

  static final RateKey SENDER_ADDRESS =
      new SessionKey(
          "from",
          s ->
              s.mailFrom()
                  .map(String::trim)
                  .filter(a -> !a.isEmpty())
                  .map(a -> a.toLowerCase(Locale.ROOT)));

  static final RateKey CLIENT_IP = clientIp(32, 64);

  static final RateKey RECIPIENT_DOMAIN = new RecipientDomainKey();

  static RateKey clientIp(int v4, int v6) {
    if (v4 < 1 || v4 > 32) {
      throw new IllegalArgumentException("IPv4 prefix must be 1-32: " + v4);
    }
    if (v6 < 1 || v6 > 128) {
      throw new IllegalArgumentException("IPv6 prefix must be 1-128: " + v6);
    }
    String name = v4 == 32 && v6 == 64 ? "ip" : "ip/" + v4 + "/" + v6;
    return new SessionKey(name, s -> s.clientIp().map(ip -> network(ip, v4, v6))) {
      @Override
      String prefix() {
        return "ip:";
      }
    };
  }

  static String network(InetAddress ip, int v4, int v6) {
    byte[] a = ip.getAddress();
    int bits = ip instanceof Inet4Address ? v4 : v6;
    if (bits == a.length * 8) {
      return ip.getHostAddress();
    }
    for (int i = 0; i < a.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      a[i] &= (byte) (0xff << (8 - keep));
    }
    try {
      return InetAddress.getByAddress(a).getHostAddress() + "/" + bits;
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes are always an address
    }
  }

  /** One key per session, charged every counted recipient. */
  static class SessionKey implements RateKey {
    private final String name;
    private final String prefix;
    private final Function<MailSession, Optional<String>> key;

    SessionKey(String name, Function<MailSession, Optional<String>> key) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("key name must not be blank");
      }
      this.name = name;
      this.prefix = name + ":";
      this.key = key;
    }

    String prefix() {
      return prefix;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Map<String, Integer> keys(MailSession session, List<String> recipients) {
      Optional<String> k = key.apply(session);
      return k == null || k.isEmpty() ? Map.of() : Map.of(prefix() + k.get(), recipients.size());
    }

    @Override
    public String toString() {
      return "RateKey[" + name + "]";
    }
  }

  /** One key per recipient domain, each charged its own recipients. */
  static final class RecipientDomainKey implements RateKey {
    @Override
    public String name() {
      return "rcpt-domain";
    }

    @Override
    public Map<String, Integer> keys(MailSession session, List<String> recipients) {
      Map<String, Integer> out = new LinkedHashMap<>();
      for (String r : recipients) {
        int at = r.lastIndexOf('@');
        String domain = at < 0 ? "" : domainKey(r.substring(at + 1));
        if (!domain.isEmpty()) {
          out.merge("rcpt-domain:" + domain, 1, Integer::sum);
        }
      }
      return out;
    }

    /**
     * One spelling per domain, so that a sender cannot double a per-domain limit by writing a name
     * twice: trimmed, without trailing dots, in A-labels and lower case ({@code bücher.example} and
     * {@code xn--bcher-kva.example} are one key). What is not a domain name is keyed as written,
     * lower case: still charged, never dropped.
     */
    static String domainKey(String written) {
      String t = written.trim();
      int end = t.length();
      while (end > 0 && t.charAt(end - 1) == '.') {
        end--; // one pass: a run of dots is not copied once per dot
      }
      String d = t.substring(0, end);
      String ascii = d.isEmpty() ? null : DomainNames.toAscii(d);
      return ascii != null ? ascii : d.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
      return "RateKey[rcpt-domain]";
    }
  }
}
