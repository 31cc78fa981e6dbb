package dev.mailwarden;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything known about one SMTP transaction so far: client IP, HELO, MAIL FROM, recipients,
 * authenticated user and the raw message. Immutable; build a new one (or {@link #toBuilder()}) as
 * the transaction advances.
 *
 * <pre>{@code
 * MailSession s = MailSession.builder()
 *     .clientIp(InetAddress.getByName("192.0.2.1"))
 *     .helo("mail.example.com")
 *     .mailFrom("alice@example.com")
 *     .recipient("bob@example.org")
 *     .build();
 * }</pre>
 */
public final class MailSession {
  private final @Nullable String id;
  private final @Nullable InetAddress clientIp;
  private final @Nullable String helo;
  private final List<String> previousHelos;
  private final @Nullable String mailFrom;
  private final List<String> recipients;
  private final @Nullable String authenticatedUser;
  private final byte @Nullable [] message;

  private MailSession(Builder b) {
    this.id = b.id;
    this.clientIp = b.clientIp;
    this.helo = b.helo;
    this.previousHelos = List.copyOf(b.previousHelos);
    this.mailFrom = b.mailFrom;
    this.recipients = List.copyOf(b.recipients);
    this.authenticatedUser = b.authenticatedUser;
    this.message = b.message;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this session's values, to add what the next SMTP stage learned. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.clientIp = clientIp;
    b.helo = helo;
    b.previousHelos.addAll(previousHelos);
    b.mailFrom = mailFrom;
    b.recipients.addAll(recipients);
    b.authenticatedUser = authenticatedUser;
    b.message = message;
    return b;
  }

  /** The gateway's identifier for the transaction (queue ID, Postfix instance), for logs. */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The client's address. An IPv4-mapped IPv6 address given to the builder is stored as IPv4. */
  public Optional<InetAddress> clientIp() {
    return Optional.ofNullable(clientIp);
  }

  /** The HELO/EHLO argument exactly as the client sent it. */
  public Optional<String> helo() {
    return Optional.ofNullable(helo);
  }

  /** Earlier HELO/EHLO arguments of the same connection, oldest first. */
  public List<String> previousHelos() {
    return previousHelos;
  }

  /**
   * The MAIL FROM reverse-path without angle brackets. Present and empty for the null sender {@code
   * <>}; absent before MAIL FROM.
   */
  public Optional<String> mailFrom() {
    return Optional.ofNullable(mailFrom);
  }

  /** True when MAIL FROM was the null reverse-path {@code <>} (bounces). */
  public boolean isNullSender() {
    return mailFrom != null && mailFrom.isEmpty();
  }

  /** The RCPT TO addresses so far, without angle brackets. */
  public List<String> recipients() {
    return recipients;
  }

  /** The SASL user name if the client authenticated. */
  public Optional<String> authenticatedUser() {
    return Optional.ofNullable(authenticatedUser);
  }

  /** True when the raw message (headers and body) is present. */
  public boolean hasMessage() {
    return message != null;
  }

  /** The raw message bytes as a read-only view (no copy). */
  public Optional<ByteBuffer> message() {
    return message == null
        ? Optional.empty()
        : Optional.of(ByteBuffer.wrap(message).asReadOnlyBuffer());
  }

  /**
   * The raw message array itself, for core's contexts to index without a copy ({@code
   * HeaderIndex}); never handed to other checkers, which get {@link #message()} (this library's own
   * DKIM and ARC read the body in place through the index, read-only).
   */
  byte @Nullable [] messageBytes() {
    return message;
  }

  /** The raw message as a stream (no copy). */
  public Optional<InputStream> openMessage() {
    return message == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(message));
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("MailSession[");
    if (id != null) {
      b.append("id=").append(id).append(", ");
    }
    b.append("client=").append(clientIp == null ? "-" : clientIp.getHostAddress());
    b.append(", helo=").append(helo == null ? "-" : helo);
    b.append(", from=").append(mailFrom == null ? "-" : "<" + mailFrom + ">");
    b.append(", rcpts=").append(recipients.size());
    if (authenticatedUser != null) {
      b.append(", user=").append(authenticatedUser);
    }
    if (message != null) {
      b.append(", message=").append(message.length).append(" bytes");
    }
    return b.append(']').toString();
  }

  /** Builds a {@link MailSession}. Not thread-safe; each value may be set once. */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable InetAddress clientIp;
    private @Nullable String helo;
    private final List<String> previousHelos = new ArrayList<>();
    private @Nullable String mailFrom;
    private final List<String> recipients = new ArrayList<>();
    private @Nullable String authenticatedUser;
    private byte @Nullable [] message;

    private Builder() {}

    public Builder id(String id) {
      this.id = requireNonNull(id, "id");
      return this;
    }

    public Builder clientIp(InetAddress ip) {
      this.clientIp = unmapIpv4(requireNonNull(ip, "clientIp"));
      return this;
    }

    /**
     * Sets the HELO/EHLO argument. If one was already set (a client that said HELO twice), the
     * earlier one moves to {@link MailSession#previousHelos()}.
     */
    public Builder helo(String helo) {
      requireNonNull(helo, "helo");
      if (this.helo != null) {
        previousHelos.add(this.helo);
      }
      this.helo = helo;
      return this;
    }

    /** The MAIL FROM address without angle brackets; {@code ""} is the null sender. */
    public Builder mailFrom(String reversePath) {
      requireNonNull(reversePath, "mailFrom");
      String p = reversePath.trim();
      if (p.startsWith("<") && p.endsWith(">")) {
        p = p.substring(1, p.length() - 1);
      }
      this.mailFrom = p;
      return this;
    }

    /** The null reverse-path {@code <>}. */
    public Builder nullSender() {
      this.mailFrom = "";
      return this;
    }

    public Builder recipient(String address) {
      recipients.add(requireNonNull(address, "recipient"));
      return this;
    }

    public Builder recipients(List<String> addresses) {
      addresses.forEach(this::recipient);
      return this;
    }

    public Builder authenticatedUser(String user) {
      this.authenticatedUser = requireNonNull(user, "authenticatedUser");
      return this;
    }

    /**
     * The raw message (RFC 5322 bytes as received in DATA, dot-unstuffed). The array is copied once
     * here so the session stays immutable.
     */
    public Builder message(byte[] raw) {
      this.message = requireNonNull(raw, "message").clone();
      return this;
    }

    public MailSession build() {
      return new MailSession(this);
    }

    private static InetAddress unmapIpv4(InetAddress ip) {
      if (ip instanceof Inet6Address) {
        byte[] a = ip.getAddress();
        boolean mapped = a[10] == (byte) 0xff && a[11] == (byte) 0xff;
        for (int i = 0; i < 10 && mapped; i++) {
          mapped = a[i] == 0;
        }
        if (mapped) {
          try {
            return Inet4Address.getByAddress(new byte[] {a[12], a[13], a[14], a[15]});
          } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
          }
        }
      }
      return ip;
    }
  }
}
