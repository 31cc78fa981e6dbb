package dev.mailwarden.examples.policyd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The policy server's configuration file: one {@code key = value} per line, {@code #} comments,
 * repeatable keys for lists. Unknown keys are errors (a typo must not silently disable a check).
 *
 * <pre>
 * # where Postfix connects (check_policy_service inet:127.0.0.1:10040)
 * listen          = 127.0.0.1:10040
 * authserv-id     = mx.example.org
 * # DNS: servers (repeatable) or zone files (repeatable, for tests); default /etc/resolv.conf
 * dns-server      = 127.0.0.1:53
 * # lists in Postfix postscreen syntax (repeatable)
 * dnsbl           = zen.spamhaus.org=127.0.0.[2..11]*5
 * dnswl           = list.dnswl.org=127.0.[0..255].[1..3]*-2
 * reject-at       = 5
 * helo            = on
 * spf             = on
 * # outbound limits per sasl_username, checked at END-OF-MESSAGE (repeatable)
 * limit           = 100/1h
 * limit           = 1000/1d
 * # when the limiter's store is unreachable: open (allow) or closed (defer)
 * limit-failure   = open
 * deadline        = 8s
 * # hardening: every limit below has the default shown
 * idle-timeout    = 300s
 * # a whole request (first byte to its empty line) must arrive within this
 * request-timeout = 10s
 * # an answer must be written within this (a client that stops reading is cut off)
 * write-timeout   = 10s
 * max-connections = 100
 * # per client address; at either cap the longest-idle connection is closed to make room
 * max-connections-per-client = 100
 * # networks allowed to connect (repeatable; CIDR); default loopback (127.0.0.0/8 and ::1)
 * allow-client    = 127.0.0.0/8
 * allow-client    = ::1/128
 * # Prometheus metrics at http://127.0.0.1:9464/metrics (default: off; --metrics-listen overrides)
 * metrics-listen  = 127.0.0.1:9464
 * </pre>
 */
public record PolicydConfig(Map<String, List<String>> values) {
  public static final Set<String> KEYS =
      Set.of(
          "listen",
          "authserv-id",
          "dns-server",
          "zone",
          "dnsbl",
          "dnswl",
          "reject-at",
          "helo",
          "spf",
          "limit",
          "limit-failure",
          "deadline",
          "idle-timeout",
          "max-connections",
          "request-timeout",
          "write-timeout",
          "max-connections-per-client",
          "allow-client",
          "metrics-listen");
  public static final Set<String> REPEATABLE =
      Set.of("dns-server", "zone", "dnsbl", "dnswl", "limit", "allow-client");

  public PolicydConfig {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    values = Map.copyOf(copy);
  }

  /** The defaults: listen on 127.0.0.1:10040, HELO and SPF on, no lists, no limits. */
  public static PolicydConfig defaults() {
    return new PolicydConfig(Map.of());
  }

  /** Reads a file; errors name the line. */
  public static PolicydConfig read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  public static PolicydConfig parse(String text, String source) {
    return parse(text, source, KEYS, REPEATABLE);
  }

  /**
   * Parses text in this format with another set of keys (the milter's configuration shares the
   * format and most keys).
   */
  public static PolicydConfig parse(
      String text, String source, Set<String> keys, Set<String> repeatable) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash).strip();
      }
      if (line.isEmpty()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": expected 'key = value'");
      }
      String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(eq + 1).strip();
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": unknown key '" + key + "'");
      }
      List<String> list = values.computeIfAbsent(key, k -> new ArrayList<>());
      if (!list.isEmpty() && !repeatable.contains(key)) {
        throw new IllegalArgumentException(
            source + " line " + (i + 1) + ": '" + key + "' given twice");
      }
      list.add(value);
    }
    return new PolicydConfig(values);
  }

  /**
   * The server limits these keys set ({@code idle-timeout}, {@code request-timeout}, {@code
   * write-timeout}, {@code max-connections}, {@code max-connections-per-client}, {@code
   * allow-client}), defaults for the rest; {@code extraClients} (from {@code --allow-client})
   * replace the configured allow-list when not empty.
   */
  public PolicyServer.Limits limits(List<String> extraClients) {
    PolicyServer.Limits d = PolicyServer.Limits.defaults();
    List<String> clients = extraClients.isEmpty() ? all("allow-client") : extraClients;
    List<ClientNetwork> networks =
        clients.isEmpty()
            ? d.allowedClients()
            : clients.stream().map(ClientNetwork::parse).toList();
    return new PolicyServer.Limits(
        duration("idle-timeout", d.idleTimeout()),
        duration("request-timeout", d.requestTimeout()),
        duration("write-timeout", d.writeTimeout()),
        (int) number("max-connections", d.maxConnections()),
        (int) number("max-connections-per-client", d.maxConnectionsPerClient()),
        networks);
  }

  public List<String> all(String key) {
    return values.getOrDefault(key, List.of());
  }

  public String get(String key, String defaultValue) {
    List<String> v = all(key);
    return v.isEmpty() ? defaultValue : v.get(0);
  }

  public boolean flag(String key, boolean defaultValue) {
    String v = get(key, defaultValue ? "on" : "off").toLowerCase(Locale.ROOT);
    return switch (v) {
      case "on", "yes", "true" -> true;
      case "off", "no", "false" -> false;
      default ->
          throw new IllegalArgumentException("'" + key + "' must be on or off, not '" + v + "'");
    };
  }

  public double number(String key, double defaultValue) {
    String v = get(key, null);
    try {
      return v == null ? defaultValue : Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + key + "' must be a number, not '" + v + "'");
    }
  }

  /** Durations as {@code 500ms}, {@code 8s}, {@code 5m}, {@code 1h}. */
  public Duration duration(String key, Duration defaultValue) {
    String v = get(key, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      String s = v.toLowerCase(Locale.ROOT);
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1));
      return switch (s.charAt(s.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      };
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          "'" + key + "' must be a duration like 500ms, 8s, 5m or 1h, not '" + v + "'");
    }
  }
}
