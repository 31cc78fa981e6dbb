package dev.mailwarden.auth.arc.internal;

import dev.mailwarden.CapExceeded;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.arc.ArcResult;
import dev.mailwarden.auth.arc.ArcSet;
import dev.mailwarden.auth.dkim.internal.BodyHasher;
import dev.mailwarden.auth.dkim.internal.ByteSink;
import dev.mailwarden.auth.dkim.internal.DkimCrypto;
import dev.mailwarden.auth.dkim.internal.DkimSyntaxException;
import dev.mailwarden.auth.dkim.internal.HeaderField;
import dev.mailwarden.auth.dkim.internal.KeyCache;
import dev.mailwarden.auth.dkim.internal.KeyRecord;
import dev.mailwarden.auth.dkim.internal.MessageHead;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.internal.HeaderIndex;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Validates the ARC chain of one message as its bytes arrive (RFC 8617 section 5.2). The header
 * block is collected and the chain's structure checked; key lookups start at once while the body
 * streams through the hasher of the newest ARC-Message-Signature. {@link #finish()} completes when
 * every key answered. Work is linear in the message: at most {@code maxSets} sets and {@code 3 *
 * maxSets} ARC fields are read, each at most {@code maxFieldBytes}; every seal's data is hashed
 * from one running digest of the sets below it. Not thread-safe: one writer.
 */
public final class ArcChain {
  private final int maxSets;
  private final int maxFieldBytes;
  private final boolean oldestPass;
  private final KeyCache keys;
  private final DnsResolver dns;
  private final Executor executor;
  private final ArcResults results;

  private final MessageHead head;
  private boolean started;
  private List<HeaderField> headers = List.of();
  private final List<BodyHasher> hashers = new ArrayList<>(2);

  private @Nullable ArcResult early;
  private int n;
  private ArcSignature[] seals = new ArcSignature[0];
  private ArcSignature[] signatures = new ArcSignature[0];
  private HeaderField[] aars = new HeaderField[0];
  private final Map<String, CompletableFuture<@Nullable Object>> lookups = new LinkedHashMap<>();

  /**
   * @param maxHeaderBytes the header block stored at most (a larger one is drained and fails the
   *     chain); {@link Integer#MAX_VALUE} when the caller already holds the whole message
   */
  public ArcChain(
      int maxSets,
      int maxFieldBytes,
      boolean oldestPass,
      int maxHeaderBytes,
      KeyCache keys,
      DnsResolver dns,
      Executor executor,
      ArcResults results) {
    this.results = results;
    this.head = new MessageHead(maxHeaderBytes);
    this.maxSets = maxSets;
    this.maxFieldBytes = maxFieldBytes;
    this.oldestPass = oldestPass;
    this.keys = keys;
    this.dns = dns;
    this.executor = executor;
  }

  /** Feeds the next raw message bytes. */
  public void update(byte[] b, int off, int len) {
    if (!started) {
      int used = head.update(b, off, len);
      off += used;
      len -= used;
      if (!head.complete()) {
        return;
      }
      start();
    }
    if (len > 0) {
      for (int i = 0, k = hashers.size(); i < k; i++) {
        hashers.get(i).update(b, off, len);
      }
    }
  }

  /**
   * Starts from a header block already split (the evaluation's shared {@link HeaderIndex}) instead
   * of collecting it: what {@link #update} gets next is the body.
   */
  public void start(HeaderIndex.Block block) {
    if (started || block.overCap()) {
      throw new IllegalStateException(started ? "header block already read" : "no header block");
    }
    start(HeaderField.fieldsOf(block));
  }

  private void start() {
    if (head.overflowed()) {
      started = true;
      early =
          fail(
              "header block over "
                  + head.maxBytes()
                  + " bytes (the DKIM header cap): the chain is not validated",
              0);
      return;
    }
    start(head.fields());
  }

  private void start(List<HeaderField> fields) {
    started = true;
    headers = fields;
    early = readStructure();
    if (early != null) {
      return;
    }
    signatures[n].hasherIndex = hasherFor(signatures[n]);
    lookup(signatures[n]);
    for (int i = n; i >= 1; i--) {
      lookup(seals[i]);
    }
    if (oldestPass) {
      for (int i = n - 1; i >= 1; i--) {
        if (signatures[i].problem == null) {
          signatures[i].hasherIndex = hasherFor(signatures[i]);
          lookup(signatures[i]);
        }
      }
    }
  }

  private @Nullable CapExceeded capExceeded;

  /** Steps 1 to 3 of RFC 8617 5.2: the result when they already decide, else null. */
  private @Nullable ArcResult readStructure() {
    seals = new ArcSignature[maxSets + 1];
    signatures = new ArcSignature[maxSets + 1];
    aars = new HeaderField[maxSets + 1];
    int fields = 0;
    for (HeaderField f : headers) {
      String name = f.lowerName();
      int kind =
          name.equals(ArcHeaders.SEAL)
              ? 0
              : name.equals(ArcHeaders.MESSAGE_SIGNATURE)
                  ? 1
                  : name.equals(ArcHeaders.AUTH_RESULTS) ? 2 : -1;
      if (kind < 0) {
        continue;
      }
      if (++fields > 3 * maxSets) {
        return overCap(
            "arc.sets",
            "more than " + 3 * maxSets + " ARC header fields (cap: " + maxSets + " ARC sets)");
      }
      if (f.raw().length() > maxFieldBytes) {
        return overCap(
            "arc.field-bytes",
            f.name()
                + " field of "
                + f.raw().length()
                + " bytes is over the cap of "
                + maxFieldBytes
                + " bytes");
      }
      int i;
      ArcSignature sig = null;
      if (kind == 2) {
        i = ArcHeaders.aarInstance(f.value());
        if (i < 0) {
          return fail("ARC-Authentication-Results does not start with a valid i=N;", 0);
        }
      } else {
        sig = ArcSignature.read(f, kind == 0);
        i = sig.instance;
        if (i < 0) {
          return fail(String.valueOf(sig.problem), 0);
        }
      }
      if (i > maxSets) {
        return overCap(
            "arc.sets", "instance i=" + i + " is over the cap of " + maxSets + " ARC sets");
      }
      Object[] slots = kind == 0 ? seals : kind == 1 ? signatures : aars;
      if (slots[i] != null) {
        return fail("two " + f.name() + " fields with i=" + i, 0);
      }
      slots[i] = kind == 2 ? f : sig;
      n = Math.max(n, i);
    }
    if (fields == 0) {
      return results.none();
    }
    if (seals[n] != null && seals[n].problem == null && seals[n].chainStatus.equals("fail")) {
      return fail("the ARC-Seal of i=" + n + " records cv=fail", n);
    }
    for (int i = 1; i <= n; i++) {
      String missing =
          seals[i] == null
              ? "ARC-Seal"
              : signatures[i] == null
                  ? "ARC-Message-Signature"
                  : aars[i] == null ? "ARC-Authentication-Results" : null;
      if (missing != null) {
        return fail("ARC set i=" + i + " of " + n + " has no " + missing, n);
      }
    }
    for (int i = n; i >= 1; i--) {
      ArcSignature s = seals[i];
      if (s.problem != null) {
        return fail(s.problem, n);
      }
      String want = i == 1 ? "none" : "pass";
      if (!s.chainStatus.equals(want)) {
        return fail(
            "the ARC-Seal of i=" + i + " has cv=" + s.chainStatus + ", expected cv=" + want, n);
      }
    }
    if (signatures[n].problem != null) {
      return fail(String.valueOf(signatures[n].problem), n);
    }
    return null;
  }

  /** The cap this chain went over, if any: the checker reports it to the evaluation's listener. */
  public Optional<CapExceeded> capExceeded() {
    return Optional.ofNullable(capExceeded);
  }

  private ArcResult overCap(String cap, String reason) {
    capExceeded = new CapExceeded(cap, reason);
    return fail(reason, 0);
  }

  private ArcResult fail(String reason, int instances) {
    return results.fail(reason, instances, List.of());
  }

  private int hasherFor(ArcSignature s) {
    for (int k = 0; k < hashers.size(); k++) {
      if (hashers.get(k).relaxed() == s.relaxedBody) {
        return k;
      }
    }
    hashers.add(new BodyHasher(s.relaxedBody, "SHA-256", -1));
    return hashers.size() - 1;
  }

  private void lookup(ArcSignature s) {
    lookups.computeIfAbsent(
        s.keyName(),
        name -> {
          try {
            return dns.lookup(name, RecordType.TXT)
                .handle((answer, error) -> error != null ? error : answer);
          } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(e);
          }
        });
  }

  /** Ends the message; the result once every needed key answered. Never fails. */
  public CompletableFuture<ArcResult> finish() {
    if (!started) {
      start();
    }
    ArcResult decided = early;
    if (decided != null) {
      return CompletableFuture.completedFuture(decided);
    }
    for (BodyHasher h : hashers) {
      h.finish();
    }
    CompletableFuture<?>[] all = lookups.values().toArray(new CompletableFuture<?>[0]);
    return CompletableFuture.allOf(all)
        .thenApplyAsync(v -> validate(), executor)
        .exceptionally(e -> results.temperror("ARC validation failed: " + e, n, List.of()));
  }

  /** Steps 4 to 7 of RFC 8617 5.2, once the keys are in. */
  private ArcResult validate() {
    Map<String, List<Integer>> index = headerIndex();
    Outcome[] ams = new Outcome[n + 1];
    java.util.Arrays.fill(ams, Outcome.NONE);
    Check newest = checkMessageSignature(signatures[n], index);
    ams[n] = newest.outcome;
    if (newest.outcome != Outcome.PASS) {
      String why = "ARC-Message-Signature i=" + n + ": " + newest.reason;
      return newest.outcome == Outcome.TEMPERROR
          ? results.temperror(why, n, sets(ams))
          : results.fail(why, n, sets(ams));
    }
    byte[][] sealHashes = sealHashes();
    for (int i = n; i >= 1; i--) {
      ArcSignature s = seals[i];
      Check c = key(s);
      if (c.key != null && !DkimCrypto.verifyHash(c.key, sealHashes[i], s.signature)) {
        c = new Check(Outcome.FAIL, "signature did not verify", null);
      }
      if (c.key == null || c.outcome != Outcome.PASS) {
        String why = "ARC-Seal i=" + i + ": " + c.reason;
        return c.outcome == Outcome.TEMPERROR
            ? results.temperror(why, n, sets(ams))
            : results.fail(why, n, sets(ams));
      }
    }
    int oldest = -1;
    if (oldestPass) {
      oldest = 0;
      for (int i = n - 1; i >= 1; i--) {
        Check c =
            signatures[i].problem != null
                ? new Check(Outcome.PERMERROR, String.valueOf(signatures[i].problem), null)
                : checkMessageSignature(signatures[i], index);
        ams[i] = c.outcome;
        if (c.outcome != Outcome.PASS) {
          oldest = i + 1;
          break;
        }
      }
    }
    return results.pass(n, oldest, sets(ams));
  }

  private List<ArcSet> sets(Outcome[] ams) {
    List<ArcSet> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      ArcHeaders.Parsed aar = ArcHeaders.parse(ArcHeaders.afterInstance(aars[i].value()));
      out.add(
          new ArcSet(
              i,
              seals[i].domain,
              seals[i].selector,
              seals[i].chainStatus,
              aar.authservId(),
              String.join("; ", aar.results()),
              ams[i]));
    }
    return out;
  }

  /** Lower-case field name to the positions of its fields, top first. */
  private Map<String, List<Integer>> headerIndex() {
    Map<String, List<Integer>> index = new HashMap<>();
    for (int k = 0; k < headers.size(); k++) {
      index.computeIfAbsent(headers.get(k).lowerName(), x -> new ArrayList<>(2)).add(k);
    }
    return index;
  }

  private record Check(Outcome outcome, String reason, @Nullable KeyRecord key) {}

  /** The key for a signature, or the outcome that stops its check. */
  private Check key(ArcSignature s) {
    String name = s.keyName();
    CompletableFuture<@Nullable Object> f = lookups.get(name);
    Object answerOrError = f == null ? null : f.getNow(null);
    if (!(answerOrError instanceof DnsAnswer answer)) {
      return new Check(
          Outcome.TEMPERROR, "key lookup for " + name + " failed: " + answerOrError, null);
    }
    if (answer.isError()) {
      return new Check(Outcome.TEMPERROR, "key lookup for " + name + ": " + answer.status(), null);
    }
    List<DnsRecord.Txt> txts = answer.txts();
    if (answer.isVoid() || txts.isEmpty()) {
      return new Check(
          Outcome.PERMERROR, "no key for selector " + name + " (" + answer.status() + ")", null);
    }
    if (txts.size() > 1) {
      return new Check(
          Outcome.PERMERROR, txts.size() + " TXT records at " + name + ", expected one key", null);
    }
    KeyRecord key;
    try {
      key = keys.get(txts.get(0));
    } catch (DkimSyntaxException e) {
      return new Check(Outcome.PERMERROR, e.getMessage(), null);
    }
    if (!key.keyType().equals(s.keyType)) {
      return new Check(
          Outcome.PERMERROR,
          "key type k=" + key.keyType() + " does not match a=" + s.algorithm,
          null);
    }
    if (!key.allowsHash("sha256")) {
      return new Check(Outcome.PERMERROR, "key h= does not allow sha256", null);
    }
    if (key.keyType().equals("rsa") && key.bits() < 1024) {
      return new Check(
          Outcome.FAIL, "RSA key of " + key.bits() + " bits is below 1024 (RFC 8301)", null);
    }
    return new Check(Outcome.PASS, "key found", key);
  }

  private Check checkMessageSignature(ArcSignature s, Map<String, List<Integer>> index) {
    Check k = key(s);
    KeyRecord key = k.key;
    if (key == null) {
      return k;
    }
    byte[] bodyHash = hashers.get(s.hasherIndex).finish();
    if (!MessageDigest.isEqual(bodyHash, s.bodyHash)) {
      return new Check(Outcome.FAIL, "body hash did not verify", null);
    }
    if (!DkimCrypto.verify(key, messageSignatureInput(s, index), s.signature)) {
      return new Check(Outcome.FAIL, "signature did not verify", null);
    }
    return new Check(Outcome.PASS, "verified", null);
  }

  /** RFC 6376 3.7 for an AMS: the h= fields bottom-up, then the AMS itself with b= empty. */
  private byte[] messageSignatureInput(ArcSignature s, Map<String, List<Integer>> index) {
    ByteSink out = new ByteSink(1024);
    Map<String, Integer> used = new HashMap<>();
    for (String name : s.signedHeaders) {
      String lower = name.toLowerCase(java.util.Locale.ROOT);
      List<Integer> at = index.get(lower);
      if (at == null) {
        continue;
      }
      int taken = used.getOrDefault(lower, 0);
      if (taken >= at.size()) {
        continue;
      }
      used.put(lower, taken + 1);
      HeaderField f = headers.get(at.get(at.size() - 1 - taken));
      f.canonicalize(f.length(), -1, -1, s.relaxedHeader, true, out);
    }
    self(s, out);
    return out.toByteArray();
  }

  private static void self(ArcSignature s, ByteSink out) {
    s.field.canonicalize(s.field.end(), s.bStart(), s.bEnd(), s.relaxedHeader, false, out);
  }

  /**
   * The SHA-256 of every seal's signed data (RFC 8617 5.1.1: the sets 1..i in order, AAR, AMS, AS,
   * relaxed, the AS of instance i with b= empty and no final CRLF), from one running digest.
   */
  private byte[][] sealHashes() {
    byte[][] out = new byte[n + 1][];
    MessageDigest running = DkimCrypto.newSha256();
    ByteSink sink = new ByteSink(2048);
    for (int i = 1; i <= n; i++) {
      sink.reset();
      HeaderField aar = aars[i];
      aar.canonicalize(aar.length(), -1, -1, true, true, sink);
      HeaderField ams = signatures[i].field;
      ams.canonicalize(ams.length(), -1, -1, true, true, sink);
      sink.updateDigest(running);
      sink.reset();
      self(seals[i], sink);
      MessageDigest mine;
      try {
        mine = (MessageDigest) running.clone();
      } catch (CloneNotSupportedException e) {
        throw new IllegalStateException(e);
      }
      sink.updateDigest(mine);
      out[i] = mine.digest();
      if (i < n) {
        sink.reset();
        HeaderField as = seals[i].field;
        as.canonicalize(as.length(), -1, -1, true, true, sink);
        sink.updateDigest(running);
      }
    }
    return out;
  }
}
