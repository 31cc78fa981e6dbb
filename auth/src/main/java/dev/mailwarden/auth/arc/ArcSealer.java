package dev.mailwarden.auth.arc;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Evaluation;
import dev.mailwarden.auth.arc.internal.ArcHeaders;
import dev.mailwarden.auth.arc.internal.ArcSignature;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dkim.DkimVerifier;
import dev.mailwarden.auth.dkim.internal.BodyHasher;
import dev.mailwarden.auth.dkim.internal.ByteSink;
import dev.mailwarden.auth.dkim.internal.DkimCrypto;
import dev.mailwarden.auth.dkim.internal.HeaderField;
import dev.mailwarden.auth.dkim.internal.Keys;
import dev.mailwarden.auth.dkim.internal.MessageHead;
import dev.mailwarden.dns.DnsResolver;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Seals a message as an intermediary (RFC 8617 section 5.1): adds ARC-Authentication-Results (what
 * this hop found), ARC-Message-Signature (a DKIM-like signature of the message as it leaves) and
 * ARC-Seal (a signature over every ARC set), with instance {@code i} one above the message's
 * newest. {@code rsa-sha256} or {@code ed25519-sha256} from the key's type, relaxed/relaxed.
 *
 * <p>The chain validation status {@code cv} is the caller's (normally {@link ArcResult#status()} of
 * {@link Arc#check()} on the message as received). A chain whose newest seal already says {@code
 * cv=fail} is never sealed again: {@link #sealHeaders} is empty and {@link #seal} returns the
 * message unchanged. A broken chain is sealed only with {@code cv=fail}, which ends it.
 *
 * <pre>{@code
 * ArcSealer sealer = ArcSealer.builder().domain("lists.example.org").selector("arc1")
 *     .privateKeyPem(pem).authservId("lists.example.org").build();
 * byte[] out = sealer.seal(raw, evaluation);   // AAR from the evaluation, cv from its arc= result
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ArcSealer {
  private final String domain;
  private final String selector;
  private final PrivateKey key;
  private final DkimCrypto.SigningKey signingKey;
  private final String algorithm;
  private final String authservId;
  private final @Nullable List<String> headers;
  private final Clock clock;

  private ArcSealer(Builder b) {
    this.domain = requireState(b.domain, "domain");
    this.selector = requireState(b.selector, "selector");
    this.key = requireState(b.key, "private key");
    this.authservId = requireState(b.authservId, "authserv-id");
    try {
      this.signingKey = DkimCrypto.signingKey(key);
      this.algorithm = signingKey.algorithm();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    if (algorithm.equals("rsa-sha256") && Keys.bits(key) < 1024) {
      throw new IllegalStateException(
          "RSA keys under 1024 bits are not accepted by verifiers (RFC 8301)");
    }
    this.headers = b.headers;
    this.clock = b.clock;
  }

  private static <T> T requireState(@Nullable T value, String what) {
    if (value == null) {
      throw new IllegalStateException("ArcSealer needs a " + what);
    }
    return value;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code rsa-sha256} or {@code ed25519-sha256}. */
  public String algorithm() {
    return algorithm;
  }

  public String authservId() {
    return authservId;
  }

  /**
   * The message sealed with status {@code cv}; the AAR carries the message's own
   * Authentication-Results fields for this sealer's authserv-id (merged in order, as dkimpy does).
   * Unchanged when the chain must not be sealed again (see the class comment).
   */
  public byte[] seal(byte[] message, ArcStatus cv) {
    return prepend(sealHeaders(message, cv, null), message);
  }

  /**
   * The message sealed after {@code evaluation} judged it: the AAR carries the evaluation's
   * Authentication-Results clauses, {@code cv} its {@link Arc#KEY} result. Without an ARC check in
   * the evaluation nothing was verified, so {@code cv} is {@code none} when the message has no ARC
   * set and {@code fail} otherwise, never an unverified {@code pass}.
   */
  public byte[] seal(byte[] message, Evaluation evaluation) {
    requireNonNull(evaluation, "evaluation");
    String header = evaluation.authenticationResults(authservId);
    String value = header.substring(header.indexOf(':') + 1);
    ArcStatus cv =
        evaluation
            .result(Arc.KEY)
            .map(ArcResult::status)
            .orElseGet(
                () -> newestInstance(fields(message)) == 0 ? ArcStatus.NONE : ArcStatus.FAIL);
    return prepend(sealHeaders(message, cv, value), message);
  }

  /**
   * The {@code cv} to seal {@code message} with, as dkimpy decides it: the {@code arc=} result in
   * the message's Authentication-Results fields for this sealer's authserv-id when there is one
   * (the receiving hop already judged the chain), else {@link Arc#check()} through {@code dns} (a
   * temperror counts as fail: an unverified chain is never passed on as intact).
   */
  public CompletableFuture<ArcStatus> chainStatus(byte[] message, DnsResolver dns) {
    requireNonNull(message, "message");
    requireNonNull(dns, "dns");
    for (HeaderField f : fields(message)) {
      if (f.lowerName().equals("authentication-results")) {
        ArcHeaders.Parsed p = ArcHeaders.parse(f.value());
        String arc = p.authservId().equalsIgnoreCase(authservId) ? p.resultOf("arc") : null;
        if (arc != null) {
          try {
            return CompletableFuture.completedFuture(ArcStatus.fromToken(arc));
          } catch (IllegalArgumentException notAStatus) {
            break; // e.g. arc=temperror: verify ourselves
          }
        }
      }
    }
    return Arc.check().verify(message, dns).thenApply(ArcResult::status);
  }

  /**
   * The three header fields to prepend (ARC-Seal, ARC-Message-Signature,
   * ARC-Authentication-Results, each ending in CRLF), or empty when the chain must not be sealed.
   *
   * @param authResults the Authentication-Results value for the AAR ({@code authserv-id;
   *     method=result ...}); null to take the message's own fields for this authserv-id
   * @throws IllegalArgumentException when {@code cv} contradicts the message ({@code none} with ARC
   *     sets present, {@code pass} without), the chain is at 50 sets, or there is no From
   */
  public Optional<String> sealHeaders(byte[] message, ArcStatus cv, @Nullable String authResults) {
    requireNonNull(message, "message");
    requireNonNull(cv, "cv");
    MessageHead head = new MessageHead();
    int used = head.update(message, 0, message.length);
    BodyHasher body = new BodyHasher(true, "SHA-256", -1);
    body.update(message, used, message.length - used);
    return sealHeaders(head.fields(), body, cv, authResults);
  }

  /**
   * A stream to write one message into while it passes (e.g. through a milter): the header block is
   * kept, the body is only hashed (relaxed, as the ARC-Message-Signature signs it), so memory is
   * bounded by the header block, which is capped like DKIM's ({@link
   * DkimVerifier#DEFAULT_MAX_HEADER_BYTES}). After {@link ArcSealingStream#close()}, {@link
   * ArcSealingStream#sealHeaders} gives the same fields as {@link #sealHeaders(byte[], ArcStatus,
   * String)} on the same bytes at the same time.
   */
  public ArcSealingStream stream() {
    return new ArcSealingStream(this, DkimVerifier.DEFAULT_MAX_HEADER_BYTES);
  }

  /** The seal of a message whose header fields and relaxed body hasher are given. */
  Optional<String> sealHeaders(
      List<HeaderField> fields, BodyHasher body, ArcStatus cv, @Nullable String authResults) {
    int newest = newestInstance(fields);
    Map<Integer, HeaderField[]> sets = setsByInstance(fields);
    HeaderField[] top = sets.get(newest);
    if (newest > 0 && top != null && top[0] != null) {
      ArcSignature s = ArcSignature.read(top[0], true);
      if (s.problem() == null && s.chainStatus().equals("fail")) {
        return Optional.empty(); // the chain already ended with cv=fail (RFC 8617 5.1.2)
      }
    }
    if (newest == 0 && cv != ArcStatus.NONE) {
      throw new IllegalArgumentException("cv=" + cv.token() + " but the message has no ARC set");
    }
    if (newest > 0 && cv == ArcStatus.NONE) {
      throw new IllegalArgumentException("cv=none but the message has " + newest + " ARC set(s)");
    }
    int i = newest + 1;
    if (i > 50) {
      throw new IllegalArgumentException(
          "the chain already has 50 ARC sets, the most RFC 8617 allows");
    }
    long now = clock.instant().getEpochSecond();

    String aar =
        "ARC-Authentication-Results: i=" + i + "; " + aarBody(fields, authResults) + "\r\n";

    byte[] bodyHash = body.finish();
    List<String> signed = signedHeaderNames(fields);
    String amsHead = "ARC-Message-Signature: a=" + algorithm + "; b=";
    // " i=N;" with a space before it: dkimpy finds the AMS of an instance by that exact text
    String amsTail =
        ";\r\n\tbh="
            + Base64.getEncoder().encodeToString(bodyHash)
            + "; c=relaxed/relaxed; d="
            + domain
            + ";\r\n\th="
            + foldList(signed)
            + ";\r\n i="
            + i
            + "; s="
            + selector
            + "; t="
            + now;
    ByteSink data = new ByteSink(2048);
    Map<String, List<Integer>> index = new HashMap<>();
    for (int k = 0; k < fields.size(); k++) {
      index.computeIfAbsent(fields.get(k).lowerName(), x -> new ArrayList<>(2)).add(k);
    }
    Map<String, Integer> taken = new HashMap<>();
    for (String name : signed) {
      List<Integer> at = index.get(name);
      int t = taken.getOrDefault(name, 0);
      if (at == null || t >= at.size()) {
        continue;
      }
      taken.put(name, t + 1);
      HeaderField f = fields.get(at.get(at.size() - 1 - t));
      HeaderField.canonicalize(f.raw(), f.colon(), f.raw().length(), -1, -1, true, true, data);
    }
    canonicalizeOwn(amsHead + amsTail, data, false);
    String ams = amsHead + fold(sign(data)) + amsTail + "\r\n";

    data.reset();
    // with cv=fail the seal covers only its own set, as dkimpy does: the older sets are
    // untrustworthy, and nobody will validate past a cv=fail seal (RFC 8617 5.2 step 2)
    for (int k = 1; k < i && cv != ArcStatus.FAIL; k++) {
      HeaderField[] set = sets.get(k);
      if (set == null) {
        continue; // incomplete chain; unreachable, a broken chain gets cv=fail
      }
      for (int part = 2; part >= 0; part--) {
        HeaderField f = set[part];
        if (f != null) {
          HeaderField.canonicalize(f.raw(), f.colon(), f.raw().length(), -1, -1, true, true, data);
        }
      }
    }
    canonicalizeOwn(aar, data, true);
    canonicalizeOwn(ams, data, true);
    String asHead = "ARC-Seal: a=" + algorithm + "; b=";
    String asTail =
        ";\r\n\tcv=" + cv.token() + "; d=" + domain + "; i=" + i + "; s=" + selector + "; t=" + now;
    canonicalizeOwn(asHead + asTail, data, false);
    String as = asHead + fold(sign(data)) + asTail + "\r\n";
    return Optional.of(as + ams + aar);
  }

  private byte[] sign(ByteSink data) {
    return signingKey.sign(data.toByteArray());
  }

  private static void canonicalizeOwn(String field, ByteSink out, boolean crlf) {
    String raw = field;
    int end = raw.endsWith("\r\n") ? raw.length() - 2 : raw.length();
    HeaderField.canonicalize(
        raw, raw.indexOf(':'), crlf ? raw.length() : end, -1, -1, true, crlf, out);
  }

  /** The AAR after {@code i=N; }: authserv-id and the clauses, one per folded line. */
  private String aarBody(List<HeaderField> fields, @Nullable String authResults) {
    List<String> clauses = new ArrayList<>();
    if (authResults != null) {
      clauses.addAll(ArcHeaders.parse(authResults).results());
    } else {
      for (HeaderField f : fields) {
        if (f.lowerName().equals("authentication-results")) {
          ArcHeaders.Parsed p = ArcHeaders.parse(f.value());
          if (p.authservId().equalsIgnoreCase(authservId)) {
            clauses.addAll(p.results());
          }
        }
      }
    }
    StringBuilder b = new StringBuilder(authservId);
    if (clauses.isEmpty()) {
      return b.append("; none").toString();
    }
    for (String c : clauses) {
      b.append(";\r\n\t").append(c.replace("\r", "").replace("\n", ""));
    }
    return b.toString();
  }

  private List<String> signedHeaderNames(List<HeaderField> fields) {
    boolean from = false;
    for (HeaderField h : fields) {
      from |= h.lowerName().equals("from");
    }
    if (!from) {
      throw new IllegalArgumentException("the message has no From header field");
    }
    if (headers != null) {
      return headers;
    }
    List<String> names = new ArrayList<>();
    for (String name : DkimSigner.DEFAULT_HEADERS) {
      for (HeaderField h : fields) {
        if (h.lowerName().equals(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** No folding inside h=: relaxed canonicalization would keep the space it leaves. */
  private static String foldList(List<String> names) {
    return String.join(":", names);
  }

  /**
   * The b= value on one line: a seal covers the earlier sets as they are, so whitespace folded into
   * b= would change what later seals sign; one line is also what dkimpy's standard form (and so the
   * suite's expected seals) uses. 344 characters for RSA-2048, well under 998.
   */
  private static String fold(byte[] signature) {
    return Base64.getEncoder().encodeToString(signature);
  }

  private static byte[] prepend(Optional<String> fields, byte[] message) {
    if (fields.isEmpty()) {
      return message;
    }
    byte[] f = fields.get().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[f.length + message.length];
    System.arraycopy(f, 0, out, 0, f.length);
    System.arraycopy(message, 0, out, f.length, message.length);
    return out;
  }

  private static List<HeaderField> fields(byte[] message) {
    MessageHead head = new MessageHead();
    head.update(message, 0, message.length);
    return head.fields();
  }

  /** The highest instance among the message's ARC fields that state one, 0 without any. */
  private static int newestInstance(List<HeaderField> fields) {
    int newest = 0;
    for (Map.Entry<Integer, HeaderField[]> e : setsByInstance(fields).entrySet()) {
      newest = Math.max(newest, e.getKey());
    }
    return newest;
  }

  /** ARC fields by instance: [seal, message signature, authentication results]. */
  private static Map<Integer, HeaderField[]> setsByInstance(List<HeaderField> fields) {
    Map<Integer, HeaderField[]> sets = new HashMap<>();
    for (HeaderField f : fields) {
      String name = f.lowerName();
      int part =
          name.equals(ArcHeaders.SEAL)
              ? 0
              : name.equals(ArcHeaders.MESSAGE_SIGNATURE)
                  ? 1
                  : name.equals(ArcHeaders.AUTH_RESULTS) ? 2 : -1;
      if (part < 0) {
        continue;
      }
      int i =
          part == 2
              ? ArcHeaders.aarInstance(f.value())
              : ArcSignature.read(f, part == 0).instance();
      if (i > 0 && i <= 50) {
        sets.computeIfAbsent(i, x -> new HeaderField[3])[part] = f;
      }
    }
    return sets;
  }

  @Override
  public String toString() {
    return "ArcSealer[d="
        + domain
        + ", s="
        + selector
        + ", a="
        + algorithm
        + ", authserv-id="
        + authservId
        + "]";
  }

  /** Builds an {@link ArcSealer}. Domain, selector, key and authserv-id are required; each once. */
  public static final class Builder {
    private @Nullable String domain;
    private @Nullable String selector;
    private @Nullable PrivateKey key;
    private @Nullable String authservId;
    private @Nullable List<String> headers;
    private Clock clock = Clock.systemUTC();
    private boolean clockSet;

    private Builder() {}

    /** The sealing domain, {@code d=} of the seal and message signature. */
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

    /** The private key, RSA (at least 1024 bits) or Ed25519. */
    public Builder privateKey(PrivateKey key) {
      requireNonNull(key, "key");
      check(this.key == null, "private key");
      this.key = key;
      return this;
    }

    /** The private key as PEM: PKCS#8 or PKCS#1 RSA. */
    public Builder privateKeyPem(String pem) {
      requireNonNull(pem, "pem");
      return privateKey(Keys.readPrivateKey(pem));
    }

    /**
     * This hop's authserv-id (RFC 8601), usually its host name: the AAR starts with it, and {@link
     * #seal(byte[], ArcStatus)} copies the message's Authentication-Results fields that carry it.
     */
    public Builder authservId(String id) {
      requireNonNull(id, "authservId");
      check(this.authservId == null, "authserv-id");
      requireArgument(
          !id.isBlank() && id.chars().noneMatch(c -> c <= ' ' || c == ';' || c > '~'),
          "authserv-id must be one token: " + id);
      this.authservId = id;
      return this;
    }

    /**
     * The header fields the ARC-Message-Signature signs (default: {@link
     * DkimSigner#DEFAULT_HEADERS} present).
     */
    public Builder headers(List<String> names) {
      requireNonNull(names, "headers");
      check(this.headers == null, "headers");
      List<String> lower = new ArrayList<>();
      for (String n : names) {
        String l = n.trim().toLowerCase(Locale.ROOT);
        requireArgument(
            !l.equals("arc-seal"),
            "an ARC-Message-Signature must not sign ARC-Seal (RFC 8617 4.1.2)");
        requireArgument(
            !l.isEmpty() && l.chars().allMatch(c -> c > ' ' && c < 127 && c != ':'),
            "bad header name: " + n);
        lower.add(l);
      }
      this.headers = List.copyOf(lower);
      return this;
    }

    /** The clock for {@code t=} (default: system UTC). */
    public Builder clock(Clock clock) {
      requireNonNull(clock, "clock");
      check(!clockSet, "clock");
      this.clock = clock;
      clockSet = true;
      return this;
    }

    public ArcSealer build() {
      return new ArcSealer(this);
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
