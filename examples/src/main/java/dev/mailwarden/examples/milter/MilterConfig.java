package dev.mailwarden.examples.milter;

import com.google.common.net.InetAddresses;
import dev.mailwarden.auth.arc.ArcSealer;
import dev.mailwarden.examples.policyd.PolicydConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The milter's configuration: the policy server's format and keys (see {@link PolicydConfig}),
 * plus:
 *
 * <pre>
 * listen           = 127.0.0.1:10041          # or unix:/run/mailwarden/milter.sock
 * # sign mail from authenticated clients ({auth_authen}) or sign-networks (repeatable)
 * dkim-sign        = example.org:s2026:/etc/mailwarden/example.org.pem
 * # ARC-seal accepted inbound mail (RFC 8617) as DOMAIN:SELECTOR:KEYFILE (PEM, RSA or Ed25519); the
 * # AAR carries this milter's Authentication-Results (authserv-id), cv its ARC validation
 * arc-seal         = example.org:arc2026:/etc/mailwarden/arc.pem
 * sign-networks    = 192.0.2.0/24, 2001:db8::/32   # repeatable, comma or space separated
 * on-error         = tempfail                 # or accept: when a check or the protocol fails
 * reject-dmarc     = on                       # off: a p=reject failure only gets dmarc=fail in A-R
 * dkim             = on                       # verify DKIM and evaluate DMARC at end of message
 * metrics-listen   = 127.0.0.1:9105           # Prometheus text at http://HOST:PORT/metrics (default off)
 * command-timeout  = 10s                      # longest answer to one MTA command (Postfix waits 30s)
 * max-header-bytes = 262144                   # header block cap per message (memory per connection)
 * max-frame-bytes  = 262144                   # cap on one milter frame
 * idle-timeout     = 600s                     # (policyd key) close an MTA connection idle this long
 * deadline         = 8s                       # (policyd key) must be shorter than command-timeout
 * </pre>
 */
public final class MilterConfig {
  static final Set<String> KEYS;
  static final Set<String> REPEATABLE;

  static {
    Set<String> keys = new HashSet<>(PolicydConfig.KEYS);
    // policyd's guards against untrusted policy clients; the milter's peer is the MTA, bounded by
    // command-timeout, idle-timeout and max-connections, so these would be silently ignored here
    keys.removeAll(
        Set.of("request-timeout", "write-timeout", "max-connections-per-client", "allow-client"));
    keys.addAll(
        Set.of(
            "dkim-sign",
            "arc-seal",
            "sign-networks",
            "on-error",
            "reject-dmarc",
            "dkim",
            "metrics-listen",
            "command-timeout",
            "max-header-bytes",
            "max-frame-bytes"));
    KEYS = Set.copyOf(keys);
    Set<String> rep = new HashSet<>(PolicydConfig.REPEATABLE);
    rep.retainAll(keys);
    rep.addAll(Set.of("dkim-sign", "sign-networks"));
    REPEATABLE = Set.copyOf(rep);
  }

  /** One {@code dkim-sign} entry. */
  public record SigningKey(String domain, String selector, Path keyFile) {}

  /** An IPv4 or IPv6 network. */
  public record Network(byte[] address, int prefix) {
    static Network parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      String a = slash < 0 ? t : t.substring(0, slash);
      if (!InetAddresses.isInetAddress(a)) {
        throw new IllegalArgumentException("not a network: '" + text + "'");
      }
      byte[] bytes = InetAddresses.forString(a).getAddress();
      int prefix = bytes.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad prefix in '" + text + "'");
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
          throw new IllegalArgumentException("prefix out of range in '" + text + "'");
        }
      }
      return new Network(bytes, prefix);
    }

    public boolean contains(InetAddress ip) {
      byte[] b = ip.getAddress();
      if (b.length != address.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (b[i] != address[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (b[full] & mask) == (address[full] & mask);
    }
  }

  private final PolicydConfig values;
  private final @Nullable ArcSealer arcSealer;

  private MilterConfig(PolicydConfig values) {
    this.values = values;
    // fail fast: every typed value is checked once here
    listen();
    signingKeys();
    this.arcSealer = arcSealKey().map(this::readArcSealer).orElse(null);
    signNetworks();
    onErrorAccept();
    rejectDmarc();
    values.flag("dkim", true);
    metricsListen();
    maxHeaderBytes();
    maxFrameBytes();
    if (deadline().compareTo(commandTimeout()) >= 0) {
      throw new IllegalArgumentException(
          "'deadline' ("
              + deadline().toMillis()
              + " ms) must be shorter than 'command-timeout' ("
              + commandTimeout().toMillis()
              + " ms)");
    }
  }

  public static MilterConfig defaults() {
    return parse("", "defaults");
  }

  public static MilterConfig read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  public static MilterConfig parse(String text, String source) {
    return new MilterConfig(PolicydConfig.parse(text, source, KEYS, REPEATABLE));
  }

  /** The shared keys, read as the policy server reads them. */
  public PolicydConfig values() {
    return values;
  }

  public String authservId() {
    return values.get("authserv-id", "mailwarden.invalid");
  }

  /** {@code HOST:PORT} (IPv6 as {@code [::1]:PORT}) or {@code unix:/path}. */
  public SocketAddress listen() {
    return parseListen(values.get("listen", "127.0.0.1:10041"));
  }

  public static SocketAddress parseListen(String spec) {
    if (spec.startsWith("unix:")) {
      String path = spec.substring(5);
      if (path.isEmpty()) {
        throw new IllegalArgumentException("listen 'unix:' needs a path");
      }
      return UnixDomainSocketAddress.of(path);
    }
    return hostPort(spec, "listen");
  }

  public List<SigningKey> signingKeys() {
    List<SigningKey> out = new ArrayList<>();
    for (String s : values.all("dkim-sign")) {
      String[] p = s.split(":", 3);
      if (p.length != 3 || p[0].isBlank() || p[1].isBlank() || p[2].isBlank()) {
        throw new IllegalArgumentException(
            "'dkim-sign' must be DOMAIN:SELECTOR:KEYFILE, not '" + s + "'");
      }
      out.add(
          new SigningKey(
              p[0].strip().toLowerCase(Locale.ROOT), p[1].strip(), Path.of(p[2].strip())));
    }
    return out;
  }

  /** The {@code arc-seal} entry, if any (not repeatable: one chain, one sealer). */
  public Optional<SigningKey> arcSealKey() {
    String s = values.get("arc-seal", null);
    if (s == null) {
      return Optional.empty();
    }
    String[] p = s.split(":", 3);
    if (p.length != 3 || p[0].isBlank() || p[1].isBlank() || p[2].isBlank()) {
      throw new IllegalArgumentException(
          "'arc-seal' must be DOMAIN:SELECTOR:KEYFILE, not '" + s + "'");
    }
    return Optional.of(
        new SigningKey(p[0].strip().toLowerCase(Locale.ROOT), p[1].strip(), Path.of(p[2].strip())));
  }

  /**
   * The sealer of {@code arc-seal}, its key read once when the configuration was parsed; its AAR
   * starts with {@link #authservId()}, the id of the milter's own Authentication-Results.
   */
  public Optional<ArcSealer> arcSealer() {
    return Optional.ofNullable(arcSealer);
  }

  private ArcSealer readArcSealer(SigningKey k) {
    String pem;
    try {
      pem = Files.readString(k.keyFile(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "'arc-seal' key file " + k.keyFile() + " cannot be read: " + e, e);
    }
    ArcSealer.Builder b = ArcSealer.builder();
    try {
      b.domain(k.domain()).selector(k.selector());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'arc-seal': " + e.getMessage(), e);
    }
    try {
      b.privateKeyPem(pem);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'arc-seal' key file " + k.keyFile() + " is not a usable private key: " + e.getMessage(),
          e);
    }
    try {
      b.authservId(authservId());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'arc-seal' needs an 'authserv-id' of one token (the AAR starts with it): "
              + e.getMessage(),
          e);
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(
          "'arc-seal' key file " + k.keyFile() + ": " + e.getMessage(), e);
    }
  }

  public List<Network> signNetworks() {
    List<Network> out = new ArrayList<>();
    for (String s : values.all("sign-networks")) {
      for (String part : s.split("[,\\s]+")) {
        if (!part.isBlank()) {
          out.add(Network.parse(part));
        }
      }
    }
    return out;
  }

  /**
   * {@code on-error = accept}: let mail through when a check or the protocol fails (default:
   * tempfail).
   */
  public boolean onErrorAccept() {
    String v = values.get("on-error", "tempfail").toLowerCase(Locale.ROOT);
    return switch (v) {
      case "tempfail" -> false;
      case "accept" -> true;
      default ->
          throw new IllegalArgumentException(
              "'on-error' must be tempfail or accept, not '" + v + "'");
    };
  }

  public boolean rejectDmarc() {
    return values.flag("reject-dmarc", true);
  }

  /** Verify DKIM and evaluate DMARC at end of message (default on). */
  public boolean verifyDkim() {
    return values.flag("dkim", true);
  }

  public Optional<InetSocketAddress> metricsListen() {
    String v = values.get("metrics-listen", null);
    return v == null ? Optional.empty() : Optional.of(hostPort(v, "metrics-listen"));
  }

  public Duration deadline() {
    return values.duration("deadline", Duration.ofSeconds(8));
  }

  public Duration commandTimeout() {
    return values.duration("command-timeout", Duration.ofSeconds(10));
  }

  public Duration idleTimeout() {
    return values.duration("idle-timeout", Duration.ofMinutes(10));
  }

  public int maxConnections() {
    return positive("max-connections", 100, 100_000);
  }

  public int maxHeaderBytes() {
    return positive("max-header-bytes", 256 * 1024, 64 << 20);
  }

  public int maxFrameBytes() {
    return positive("max-frame-bytes", MilterDecoder.DEFAULT_MAX_FRAME, 64 << 20);
  }

  private int positive(String key, int dflt, int max) {
    double v = values.number(key, dflt);
    if (v < 1 || v > max || v != Math.rint(v)) {
      throw new IllegalArgumentException(
          "'" + key + "' must be a whole number from 1 to " + max + ", not " + v);
    }
    return (int) v;
  }

  private static InetSocketAddress hostPort(String spec, String key) {
    String host;
    String port;
    if (spec.startsWith("[")) {
      int close = spec.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("'" + key + "' must be HOST:PORT, not '" + spec + "'");
      }
      host = spec.substring(1, close);
      port = spec.substring(close + 2);
    } else {
      int colon = spec.lastIndexOf(':');
      if (colon <= 0 || spec.indexOf(':') != colon) {
        throw new IllegalArgumentException("'" + key + "' must be HOST:PORT, not '" + spec + "'");
      }
      host = spec.substring(0, colon);
      port = spec.substring(colon + 1);
    }
    if (!InetAddresses.isInetAddress(host)) {
      throw new IllegalArgumentException("'" + key + "' needs an IP address, not '" + host + "'");
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("'" + key + "' has a bad port: '" + spec + "'");
    }
    return new InetSocketAddress(InetAddresses.forString(host), p);
  }
}
