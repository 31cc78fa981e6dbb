package dev.mailwarden.auth.dkim;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.auth.dkim.internal.BodyHasher;
import dev.mailwarden.auth.dkim.internal.ByteSink;
import dev.mailwarden.auth.dkim.internal.DkimCrypto;
import dev.mailwarden.auth.dkim.internal.HeaderField;
import dev.mailwarden.auth.dkim.internal.Keys;
import dev.mailwarden.auth.dkim.internal.MessageHead;
import dev.mailwarden.internal.HeaderIndex;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Signs messages with DKIM: {@code rsa-sha256} or {@code ed25519-sha256} (from the key's type),
 * relaxed/relaxed by default, {@code t=} from the clock and optionally {@code x=}. By default it
 * signs the usual identity and content headers present in the message, and From once more than it
 * occurs ("over-signing"), so a From added later breaks the signature.
 *
 * <pre>{@code
 * DkimSigner signer = DkimSigner.builder()
 *     .domain("example.com").selector("s1")
 *     .privateKeyPem(Files.readString(Path.of("dkim.pem")))
 *     .build();
 * byte[] signed = signer.signMessage(raw);      // DKIM-Signature prepended
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class DkimSigner {
  /** The header fields signed by default, when present. */
  public static final List<String> DEFAULT_HEADERS =
      List.of(
          "from",
          "sender",
          "reply-to",
          "subject",
          "date",
          "message-id",
          "to",
          "cc",
          "mime-version",
          "content-type",
          "content-transfer-encoding",
          "in-reply-to",
          "references",
          "list-id",
          "list-unsubscribe",
          "list-unsubscribe-post");

  private final String domain;
  private final String selector;
  private final PrivateKey key;
  private final DkimCrypto.SigningKey signingKey;
  private final boolean rsa;
  private final @Nullable List<String> headers;
  private final Canonicalization headerCanon;
  private final Canonicalization bodyCanon;
  private final @Nullable Duration expireAfter;
  private final @Nullable String identity;
  private final Clock clock;

  private DkimSigner(Builder b) {
    this.domain = requireState(b.domain, "domain");
    this.selector = requireState(b.selector, "selector");
    this.key = requireState(b.key, "private key");
    this.rsa = key instanceof RSAKey;
    if (!rsa && !key.getAlgorithm().equals("EdDSA") && !key.getAlgorithm().equals("Ed25519")) {
      throw new IllegalStateException(
          "the private key must be RSA or Ed25519, not " + key.getAlgorithm());
    }
    if (b.algorithm != null && !b.algorithm.equals(rsa ? "rsa-sha256" : "ed25519-sha256")) {
      throw new IllegalStateException(
          "a=" + b.algorithm + " does not fit the " + (rsa ? "RSA" : "Ed25519") + " key");
    }
    if (rsa && Keys.bits(key) < 1024) {
      throw new IllegalStateException(
          "RSA keys under 1024 bits are not accepted by verifiers (RFC 8301)");
    }
    try {
      this.signingKey = DkimCrypto.signingKey(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    this.headers = b.headers;
    this.headerCanon = b.headerCanon;
    this.bodyCanon = b.bodyCanon;
    this.expireAfter = b.expireAfter;
    this.identity = b.identity;
    this.clock = b.clock;
  }

  private static <T> T requireState(@Nullable T value, String what) {
    if (value == null) {
      throw new IllegalStateException("DkimSigner needs a " + what);
    }
    return value;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code rsa-sha256} or {@code ed25519-sha256}. */
  public String algorithm() {
    return rsa ? "rsa-sha256" : "ed25519-sha256";
  }

  /** The message with its DKIM-Signature field prepended. */
  public byte[] signMessage(byte[] message) {
    byte[] field = sign(message).getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[field.length + message.length];
    System.arraycopy(field, 0, out, 0, field.length);
    System.arraycopy(message, 0, out, field.length, message.length);
    return out;
  }

  /**
   * The {@code DKIM-Signature} header field for a raw message (CRLF or bare LF), folded, ending in
   * CRLF: prepend it to the message unchanged.
   *
   * @throws IllegalArgumentException when the message has no From header field
   */
  public String sign(byte[] message) {
    requireNonNull(message, "message");
    // split in place, as the verifier splits it: the same fields as the stream's MessageHead
    HeaderIndex.Block block = HeaderIndex.of(message, message.length).block(Integer.MAX_VALUE);
    BodyHasher body = new BodyHasher(bodyCanon == Canonicalization.RELAXED, "SHA-256", -1);
    block.readBody(body::update);
    return field(HeaderField.fieldsOf(block), body.finish());
  }

  /**
   * A stream to write one message into while it passes (e.g. through a milter): the header block is
   * kept, the body is only hashed, so memory is bounded by the header block. {@link
   * DkimSigningStream#signatureField()} after {@link DkimSigningStream#close()} gives the same
   * field as {@link #sign(byte[])} on the same bytes.
   */
  public DkimSigningStream stream() {
    MessageHead head = new MessageHead();
    BodyHasher body = new BodyHasher(bodyCanon == Canonicalization.RELAXED, "SHA-256", -1);
    return new DkimSigningStream(
        (b, off, len) -> {
          int used = head.complete() ? 0 : head.update(b, off, len);
          if (used < len) {
            body.update(b, off + used, len - used);
          }
        },
        () -> field(head.fields(), body.finish()));
  }

  private String field(List<HeaderField> fields, byte[] bodyHash) {
    List<String> signed = signedHeaderNames(fields);
    long now = clock.instant().getEpochSecond();
    StringBuilder f = new StringBuilder(512);
    f.append("DKIM-Signature: v=1; a=").append(algorithm());
    f.append("; c=").append(headerCanon.token()).append('/').append(bodyCanon.token());
    f.append("; d=").append(domain).append("; s=").append(selector).append(";\r\n\tt=").append(now);
    if (expireAfter != null) {
      f.append("; x=").append(now + expireAfter.toSeconds());
    }
    if (identity != null) {
      f.append("; i=").append(identity);
    }
    f.append(";\r\n\th=");
    int lineStart = f.length() - 2;
    for (int i = 0; i < signed.size(); i++) {
      if (i > 0) {
        f.append(':');
        if (f.length() - lineStart + signed.get(i).length() > 74) {
          f.append("\r\n\t ");
          lineStart = f.length();
        }
      }
      f.append(signed.get(i));
    }
    f.append(";\r\n\tbh=").append(Base64.getEncoder().encodeToString(bodyHash)).append(";\r\n\tb=");

    ByteSink data = new ByteSink(1024);
    boolean relaxed = headerCanon == Canonicalization.RELAXED;
    boolean[] taken = new boolean[fields.size()];
    for (String name : signed) {
      for (int j = fields.size() - 1; j >= 0; j--) {
        HeaderField h = fields.get(j);
        if (!taken[j] && h.lowerName().equals(name)) {
          taken[j] = true;
          h.canonicalize(h.length(), -1, -1, relaxed, true, data);
          break;
        }
      }
    }
    String self = f.toString(); // ends with "b=": the signature field as signed, no final CRLF
    HeaderField.canonicalize(self, self.indexOf(':'), self.length(), -1, -1, relaxed, false, data);
    byte[] b = signature(data.toByteArray());
    String b64 = Base64.getEncoder().encodeToString(b);
    for (int i = 0; i < b64.length(); i += 72) {
      if (i > 0) {
        f.append("\r\n\t ");
      }
      f.append(b64, i, Math.min(b64.length(), i + 72));
    }
    return f.append("\r\n").toString();
  }

  private List<String> signedHeaderNames(List<HeaderField> fields) {
    List<String> names = new ArrayList<>();
    List<String> wanted = headers == null ? DEFAULT_HEADERS : headers;
    int froms = 0;
    for (HeaderField h : fields) {
      froms += h.lowerName().equals("from") ? 1 : 0;
    }
    if (froms == 0) {
      throw new IllegalArgumentException("the message has no From header field; DKIM signs From");
    }
    if (headers != null) {
      return headers;
    }
    for (String name : wanted) {
      int n = 0;
      for (HeaderField h : fields) {
        n += h.lowerName().equals(name) ? 1 : 0;
      }
      if (name.equals("from")) {
        n++; // over-sign: a From added later breaks the signature
      }
      for (int i = 0; i < n; i++) {
        names.add(name);
      }
    }
    return names;
  }

  private byte[] signature(byte[] data) {
    return signingKey.sign(data);
  }

  @Override
  public String toString() {
    return "DkimSigner[d="
        + domain
        + ", s="
        + selector
        + ", a="
        + algorithm()
        + ", c="
        + headerCanon.token()
        + "/"
        + bodyCanon.token()
        + "]";
  }

  /** Builds a {@link DkimSigner}. Domain, selector and key are required; each setting once. */
  public static final class Builder {
    private @Nullable String domain;
    private @Nullable String selector;
    private @Nullable PrivateKey key;
    private @Nullable List<String> headers;
    private Canonicalization headerCanon = Canonicalization.RELAXED;
    private Canonicalization bodyCanon = Canonicalization.RELAXED;
    private boolean canonSet;
    private @Nullable Duration expireAfter;
    private @Nullable String identity;
    private @Nullable String algorithm;
    private Clock clock = Clock.systemUTC();
    private boolean clockSet;

    private Builder() {}

    /** The signing domain, {@code d=}. */
    public Builder domain(String domain) {
      requireNonNull(domain, "domain");
      check(this.domain == null, "domain");
      requireArgument(isName(domain), "not a domain name: " + domain);
      this.domain = domain.toLowerCase(Locale.ROOT);
      return this;
    }

    /** The selector, {@code s=}: the key is published at {@code <selector>._domainkey.<domain>}. */
    public Builder selector(String selector) {
      requireNonNull(selector, "selector");
      check(this.selector == null, "selector");
      requireArgument(isName(selector), "not a valid selector: " + selector);
      this.selector = selector;
      return this;
    }

    /** The private key (RSA of at least 1024 bits, or Ed25519). */
    public Builder privateKey(PrivateKey key) {
      requireNonNull(key, "privateKey");
      check(this.key == null, "private key");
      this.key = key;
      return this;
    }

    /**
     * The signing algorithm, {@code rsa-sha256} or {@code ed25519-sha256}. Optional: it follows
     * from the key; when given it must fit the key. {@code rsa-sha1} is refused (RFC 8301).
     */
    public Builder algorithm(String algorithm) {
      requireNonNull(algorithm, "algorithm");
      check(this.algorithm == null, "algorithm");
      requireArgument(
          !algorithm.equals("rsa-sha1"), "rsa-sha1 must not be used for signing (RFC 8301)");
      requireArgument(
          algorithm.equals("rsa-sha256") || algorithm.equals("ed25519-sha256"),
          "unknown algorithm " + algorithm + "; use rsa-sha256 or ed25519-sha256");
      this.algorithm = algorithm;
      return this;
    }

    /** The private key from PEM text (PKCS#8, or PKCS#1 for RSA). */
    public Builder privateKeyPem(String pem) {
      return privateKey(DkimKeys.readPrivateKey(pem));
    }

    /**
     * Exactly these header names for {@code h=}, in order (repeat a name to over-sign it). Must
     * include {@code from}. Replaces the default list and its automatic over-signing of From.
     */
    public Builder headers(List<String> names) {
      requireNonNull(names, "headers");
      check(this.headers == null, "headers");
      List<String> lower = new ArrayList<>(names.size());
      for (String n : names) {
        requireArgument(
            n != null && !n.isBlank() && n.indexOf(':') < 0 && n.indexOf(';') < 0,
            "bad header name: " + n);
        lower.add(n.trim().toLowerCase(Locale.ROOT));
      }
      requireArgument(
          lower.contains("from"), "the signed headers must include from (RFC 6376 5.4)");
      this.headers = List.copyOf(lower);
      return this;
    }

    /** The header and body canonicalization (default relaxed/relaxed). */
    public Builder canonicalization(Canonicalization header, Canonicalization body) {
      requireNonNull(header, "header");
      requireNonNull(body, "body");
      check(!canonSet, "canonicalization");
      this.headerCanon = header;
      this.bodyCanon = body;
      canonSet = true;
      return this;
    }

    /** Adds {@code x=}: the signature expires this long after signing. */
    public Builder expireAfter(Duration validity) {
      requireNonNull(validity, "expireAfter");
      check(this.expireAfter == null, "expireAfter");
      requireArgument(validity.toSeconds() > 0, "expireAfter must be positive: " + validity);
      this.expireAfter = validity;
      return this;
    }

    /**
     * Adds {@code i=}, the agent or user identity, e.g. {@code @mail.example.com}; within the
     * domain.
     */
    public Builder identity(String identity) {
      requireNonNull(identity, "identity");
      check(this.identity == null, "identity");
      requireArgument(
          identity.indexOf('@') >= 0
              && identity.indexOf(';') < 0
              && identity.chars().noneMatch(c -> c <= ' ' || c > '~'),
          "i= must be [local-part]@domain in plain ASCII: " + identity);
      this.identity = identity;
      return this;
    }

    /** The clock for {@code t=} and {@code x=} (default: system UTC). */
    public Builder clock(Clock clock) {
      requireNonNull(clock, "clock");
      check(!clockSet, "clock");
      this.clock = clock;
      clockSet = true;
      return this;
    }

    public DkimSigner build() {
      DkimSigner s = new DkimSigner(this);
      if (identity != null) {
        String id = identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        requireArgument(
            id.equals(s.domain) || id.endsWith("." + s.domain), "i= must be within d=" + s.domain);
      }
      return s;
    }

    private static void check(boolean ok, String what) {
      if (!ok) {
        throw new IllegalStateException(what + " was already set");
      }
    }

    private static void requireArgument(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }

    private static boolean isName(String s) {
      return s.matches(
          "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*");
    }
  }
}
