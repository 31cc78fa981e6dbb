package dev.mailwarden.auth.doctor;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.internal.DomainNames;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What to examine: your mail domain, the addresses your server sends from, optionally the name it
 * gives in HELO/EHLO and the DKIM selectors it signs with.
 *
 * <pre>{@code
 * DoctorRequest r = DoctorRequest.builder("example.com")
 *     .ip(InetAddress.getByName("192.0.2.25"))
 *     .helo("mail.example.com")
 *     .selector("s2024")
 *     .build();
 * }</pre>
 */
public final class DoctorRequest {
  private static final Pattern SELECTOR =
      Pattern.compile(
          "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*");

  private final String domain;
  private final List<InetAddress> ips;
  private final @Nullable String helo;
  private final List<String> selectors;

  private DoctorRequest(Builder b) {
    this.domain = b.domain;
    this.ips = List.copyOf(b.ips);
    this.helo = b.helo;
    this.selectors = List.copyOf(b.selectors);
  }

  /** A request for {@code domain}, your mail domain (the domain of your addresses). */
  public static Builder builder(String domain) {
    return new Builder(domain);
  }

  /** The mail domain, lower case, without a trailing dot. */
  public String domain() {
    return domain;
  }

  /** The sending addresses, at least one, in the order given. */
  public List<InetAddress> ips() {
    return ips;
  }

  /** The HELO/EHLO name your server uses, if given. */
  public Optional<String> helo() {
    return Optional.ofNullable(helo);
  }

  /** The DKIM selectors to check, possibly none. */
  public List<String> selectors() {
    return selectors;
  }

  @Override
  public String toString() {
    return "DoctorRequest["
        + domain
        + ", ips="
        + ips
        + (helo == null ? "" : ", helo=" + helo)
        + ", selectors="
        + selectors
        + "]";
  }

  /** Builds a {@link DoctorRequest}. */
  public static final class Builder {
    private final String domain;
    private final LinkedHashSet<InetAddress> ips = new LinkedHashSet<>();
    private @Nullable String helo;
    private final LinkedHashSet<String> selectors = new LinkedHashSet<>();

    private Builder(String domain) {
      requireNonNull(domain, "domain");
      String d = DomainNames.toAscii(DomainNames.canonical(domain)); // DNS holds A-labels
      if (d == null || !DomainNames.isValidCheckDomain(d)) {
        throw new IllegalArgumentException("not a domain name: '" + domain + "'");
      }
      this.domain = d;
    }

    /** A sending address (repeatable); IPv4-mapped IPv6 addresses count as IPv4. */
    public Builder ip(InetAddress ip) {
      requireNonNull(ip, "ip");
      ips.add(unmapped(ip));
      return this;
    }

    /** The HELO/EHLO name the server uses; its checks are skipped without one. */
    public Builder helo(String name) {
      requireNonNull(name, "helo");
      if (name.isBlank()) {
        throw new IllegalArgumentException("helo must not be blank");
      }
      if (helo != null) {
        throw new IllegalStateException("helo was already set");
      }
      this.helo = name.trim();
      return this;
    }

    /**
     * A DKIM selector (repeatable): the key at {@code <selector>._domainkey.<domain>} is checked.
     */
    public Builder selector(String selector) {
      requireNonNull(selector, "selector");
      if (!SELECTOR.matcher(selector).matches() || selector.length() > 200) {
        throw new IllegalArgumentException("not a DKIM selector: '" + selector + "'");
      }
      selectors.add(selector.toLowerCase(Locale.ROOT));
      return this;
    }

    /**
     * @throws IllegalStateException without an address
     */
    public DoctorRequest build() {
      if (ips.isEmpty()) {
        throw new IllegalStateException(
            "no address: call ip(...) with your server's sending address");
      }
      return new DoctorRequest(this);
    }

    private static InetAddress unmapped(InetAddress ip) {
      if (ip instanceof Inet6Address) {
        byte[] a = ip.getAddress();
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
          mapped &= a[i] == 0;
        }
        if (mapped && a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
          try {
            return InetAddress.getByAddress(new byte[] {a[12], a[13], a[14], a[15]});
          } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
          }
        }
      }
      return ip;
    }
  }
}
