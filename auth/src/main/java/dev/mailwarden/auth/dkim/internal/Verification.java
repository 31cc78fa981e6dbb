package dev.mailwarden.auth.dkim.internal;

import static java.util.Objects.requireNonNull;

import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dkim.BodyLengthPolicy;
import dev.mailwarden.auth.dkim.DkimResult;
import dev.mailwarden.auth.dkim.DkimSignatureResult;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.internal.HeaderIndex;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Verifies the DKIM signatures of one message as its bytes arrive: the header block is collected,
 * then key lookups start while the body streams through one canonicalizing hasher per distinct
 * (canonicalization, l=) pair. {@link #finish()} completes when every key answered and every
 * signature was checked. Not thread-safe: one writer.
 */
public final class Verification {
  private final Duration skew;
  private final int maxSignatures;
  private final BodyLengthPolicy bodyLengthPolicy;
  private final KeyCache keys;
  private final DnsResolver dns;
  private final long nowEpochSeconds;
  private final Executor executor;
  private final DkimResults dkimResults;

  private @Nullable MessageHead head; // made when bytes are streamed in, not for a split block
  private final int maxHeaderBytes;
  private boolean started;
  private boolean overflowed;
  private @Nullable FieldIndex headerIndex; // made with the signatures that use it
  private final List<Sig> sigs = new ArrayList<>();
  private final List<BodyHasher> hashers = new ArrayList<>();
  private int fromCount;

  /** How the result's reason starts when the header section was over its cap. */
  public static final String HEADER_CAP_REASON = "header section exceeds maxHeaderBytes";

  private int skipped;

  public Verification(
      Duration skew,
      int maxSignatures,
      int maxHeaderBytes,
      BodyLengthPolicy bodyLengthPolicy,
      KeyCache keys,
      DnsResolver dns,
      long nowEpochSeconds,
      Executor executor,
      DkimResults dkimResults) {
    this.dkimResults = dkimResults;
    this.skew = skew;
    this.maxSignatures = maxSignatures;
    this.maxHeaderBytes = maxHeaderBytes;
    this.bodyLengthPolicy = bodyLengthPolicy;
    this.keys = keys;
    this.dns = dns;
    this.nowEpochSeconds = nowEpochSeconds;
    this.executor = executor;
  }

  /** Feeds the next raw message bytes. */
  public void update(byte[] b, int off, int len) {
    if (!started) {
      MessageHead h = head;
      if (h == null) {
        h = head = new MessageHead(maxHeaderBytes);
      }
      int used = h.update(b, off, len);
      off += used;
      len -= used;
      if (!h.complete()) {
        return;
      }
      start();
    }
    if (len > 0) {
      for (int i = 0, n = hashers.size(); i < n; i++) {
        hashers.get(i).update(b, off, len);
      }
    }
  }

  /**
   * Starts from a header block already split (the evaluation's shared {@link HeaderIndex}, asked
   * for at most {@code maxHeaderBytes}) instead of collecting it: what {@link #update} gets next is
   * the body. The block counts against the cap as it would be stored here, every bare LF as CRLF.
   */
  public void start(HeaderIndex.Block block) {
    if (started) {
      throw new IllegalStateException("header block already read");
    }
    started = true;
    if (block.overCap() || block.normalizedLength() > maxHeaderBytes) {
      overflowed = true;
      return;
    }
    readHeaders(HeaderField.fieldsOf(block));
  }

  private void start() {
    started = true;
    MessageHead h = head;
    if (h == null) {
      return; // nothing was written: no header fields, no signatures
    }
    if (h.overflowed()) {
      overflowed = true;
      return;
    }
    readHeaders(h.fields());
  }

  private void readHeaders(List<HeaderField> fields) {
    headerIndex = new FieldIndex(fields);
    for (HeaderField f : fields) {
      String name = f.lowerName();
      if (name.equals("from")) {
        fromCount++;
      } else if (name.equals("dkim-signature")) {
        if (sigs.size() >= maxSignatures) {
          skipped++;
          continue;
        }
        Sig sig = new Sig(SignatureTags.read(f, nowEpochSeconds, skew));
        sigs.add(sig);
        if (sig.tags.problem() == null) {
          sig.hasher = hasherFor(sig.tags);
          sig.key = lookup(sig.tags.keyName());
        }
      }
    }
  }

  private BodyHasher hasherFor(SignatureTags t) {
    for (BodyHasher h : hashers) {
      if (h.relaxed() == t.relaxedBody && h.limit() == t.limit) {
        return h;
      }
    }
    BodyHasher h = new BodyHasher(t.relaxedBody, "SHA-256", t.limit);
    hashers.add(h);
    return h;
  }

  private CompletableFuture<DnsAnswer> lookup(String name) {
    try {
      return dns.lookup(name, RecordType.TXT);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Ends the message; the result once every signature was checked. Never fails. */
  public CompletableFuture<DkimResult> finish() {
    if (!started) {
      start();
    }
    if (overflowed) {
      return CompletableFuture.completedFuture(
          dkimResults.permerror(
              HEADER_CAP_REASON + " (" + maxHeaderBytes + " bytes); message not evaluated"));
    }
    for (BodyHasher h : hashers) {
      h.finish();
    }
    int from = fromCount;
    int skip = skipped;
    Sig only = sigs.size() == 1 ? sigs.get(0) : null;
    CompletableFuture<DnsAnswer> onlyKey = only == null ? null : only.key;
    if (only != null && onlyKey != null) { // the usual message: one stage, not two
      return onlyKey.handleAsync(
          (answer, error) ->
              dkimResults.of(List.of(only.evaluateSafely(answer, error)), from, skip),
          executor);
    }
    List<CompletableFuture<DkimSignatureResult>> results = new ArrayList<>(sigs.size());
    for (Sig sig : sigs) {
      if (sig.key == null) {
        SignatureTags t = sig.tags;
        Outcome o = t.policyProblem() ? Outcome.POLICY : Outcome.PERMERROR;
        results.add(
            CompletableFuture.completedFuture(
                sig.result(o, String.valueOf(t.problem()), 0, false)));
      } else {
        results.add(
            sig.key.handleAsync((answer, error) -> sig.evaluateSafely(answer, error), executor));
      }
    }
    return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            v -> {
              List<DkimSignatureResult> list = new ArrayList<>(results.size());
              for (CompletableFuture<DkimSignatureResult> f : results) {
                list.add(f.join());
              }
              return dkimResults.of(list, from, skip);
            });
  }

  private final class Sig {
    final SignatureTags tags;
    @Nullable BodyHasher hasher;
    @Nullable CompletableFuture<DnsAnswer> key;

    Sig(SignatureTags tags) {
      this.tags = tags;
    }

    DkimSignatureResult result(Outcome outcome, String reason, int bits, boolean testing) {
      long unsigned = 0;
      if (tags.limit >= 0 && hasher != null) {
        unsigned = Math.max(0, hasher.canonicalLength() - tags.limit);
      }
      return new DkimSignatureResult(
          outcome,
          reason,
          tags.domain,
          tags.selector,
          tags.identity,
          tags.algorithm,
          bits,
          tags.signaturePrefix,
          tags.limit >= 0 ? OptionalLong.of(tags.limit) : OptionalLong.empty(),
          unsigned,
          testing);
    }

    /** {@link #evaluate}, a failure inside it (a bug, a provider error) a {@code temperror}. */
    DkimSignatureResult evaluateSafely(@Nullable DnsAnswer answer, @Nullable Throwable error) {
      try {
        return evaluate(error != null ? error : answer);
      } catch (RuntimeException | Error e) { // as before: finish() never fails
        return result(Outcome.TEMPERROR, "verification failed: " + e, 0, false);
      }
    }

    DkimSignatureResult evaluate(@Nullable Object answerOrError) {
      String name = tags.keyName();
      if (!(answerOrError instanceof DnsAnswer answer)) {
        return result(
            Outcome.TEMPERROR, "key lookup for " + name + " failed: " + answerOrError, 0, false);
      }
      if (answer.isError()) {
        return result(
            Outcome.TEMPERROR, "key lookup for " + name + ": " + answer.status(), 0, false);
      }
      List<DnsRecord.Txt> txts = answer.txts();
      if (answer.isVoid() || txts.isEmpty()) {
        return result(
            Outcome.PERMERROR,
            "no key for selector " + name + " (" + answer.status() + ")",
            0,
            false);
      }
      if (txts.size() > 1) {
        // RFC 6376 3.6.2.2 lets the verifier choose; which record the signer meant is unknowable
        return result(
            Outcome.PERMERROR,
            txts.size() + " TXT records at " + name + ", expected one key",
            0,
            false);
      }
      KeyRecord key;
      try {
        key = keys.get(txts.get(0));
      } catch (DkimSyntaxException e) {
        return result(Outcome.PERMERROR, e.getMessage(), 0, false);
      }
      int bits = key.bits();
      boolean testing = key.testing();
      if (!key.keyType().equals(tags.keyType)) {
        return result(
            Outcome.PERMERROR,
            "key type k=" + key.keyType() + " does not match a=" + tags.algorithm,
            bits,
            testing);
      }
      if (!key.allowsHash("sha256")) {
        return result(Outcome.PERMERROR, "key h= does not allow sha256", bits, testing);
      }
      if (key.strict() && !tags.identityDomain.equalsIgnoreCase(tags.domain)) {
        return result(Outcome.PERMERROR, "key has t=s but i= is a subdomain of d=", bits, testing);
      }
      if (key.keyType().equals("rsa") && bits < 1024) {
        return result(
            Outcome.POLICY, "RSA key of " + bits + " bits is below 1024 (RFC 8301)", bits, testing);
      }
      BodyHasher h = hasher;
      byte[] bodyHash = h.finish();
      if (tags.limit >= 0 && h.canonicalLength() < tags.limit) {
        return result(
            Outcome.PERMERROR,
            "l=" + tags.limit + " is longer than the body (" + h.canonicalLength() + ")",
            bits,
            testing);
      }
      if (!MessageDigest.isEqual(bodyHash, tags.bodyHash)) {
        return result(Outcome.FAIL, "body hash did not verify", bits, testing);
      }
      boolean remainder = tags.limit >= 0 && h.canonicalLength() > tags.limit;
      if (remainder && bodyLengthPolicy == BodyLengthPolicy.FAIL_ON_REMAINDER) {
        return result(
            Outcome.FAIL,
            (h.canonicalLength() - tags.limit) + " body bytes after l= are not signed",
            bits,
            testing);
      }
      ByteSink data = headerHashInput(requireNonNull(headerIndex), tags);
      boolean ok = DkimCrypto.verify(key, data.buf, data.len, tags.signature);
      if (!ok) {
        return result(Outcome.FAIL, "signature did not verify", bits, testing);
      }
      if (remainder && bodyLengthPolicy == BodyLengthPolicy.POLICY_ON_REMAINDER) {
        // RFC 6376 section 8.2: content after l= could be anyone's; not a pass unless opted in
        return result(
            Outcome.POLICY,
            "l="
                + tags.limit
                + " leaves "
                + (h.canonicalLength() - tags.limit)
                + " body bytes unsigned (BodyLengthPolicy.REPORT_REMAINDER to accept)",
            bits,
            testing);
      }
      String note =
          tags.limit >= 0 && h.canonicalLength() > tags.limit
              ? "verified; "
                  + (h.canonicalLength() - tags.limit)
                  + " body bytes after l= are not signed"
              : "verified";
      return result(Outcome.PASS, note, bits, testing);
    }
  }

  /**
   * The data the header signature covers (RFC 6376 section 3.7): the fields h= names, each taken
   * bottom-up, canonicalized, then the signature field itself with b= emptied and no final CRLF.
   */
  public static byte[] headerHashInput(List<HeaderField> headers, SignatureTags t) {
    return headerHashInput(new FieldIndex(headers), t).toByteArray();
  }

  /**
   * Linear in h= plus the header fields: each name in h= takes the next unused field of that name
   * from the bottom (RFC 6376 section 5.4.2) through the per-message index, never a scan.
   */
  static ByteSink headerHashInput(FieldIndex index, SignatureTags t) {
    HeaderField self = t.field;
    // the signature field plus a typical canonical field per h= name; grows if more is needed
    ByteSink out = new ByteSink(self.length() + 64 * Math.min(t.signedHeaders.size(), 64));
    FieldIndex.Taker fields = index.taker();
    for (String name : t.signedHeaders) { // kept in lower case, as the index is keyed
      HeaderField f = fields.take(name);
      if (f != null) { // a name with no (more) fields signs nothing: allowed, to prevent additions
        f.canonicalize(f.length(), -1, -1, t.relaxedHeader, true, out);
      }
    }
    self.canonicalize(self.end(), t.blankFrom, t.blankTo, t.relaxedHeader, false, out);
    return out;
  }
}
