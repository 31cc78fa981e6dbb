package dev.mailwarden.benchmarks;

import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailwardenRuntime;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dkim.Dkim;
import dev.mailwarden.auth.dkim.DkimKeyPair;
import dev.mailwarden.auth.dkim.DkimKeys;
import dev.mailwarden.auth.dkim.DkimResult;
import dev.mailwarden.auth.dkim.DkimSigner;
import dev.mailwarden.auth.dkim.DkimVerifier;
import dev.mailwarden.auth.dkim.internal.BodyHasher;
import dev.mailwarden.auth.dkim.internal.HeaderField;
import dev.mailwarden.auth.dkim.internal.MessageHead;
import dev.mailwarden.auth.dkim.internal.SignatureTags;
import dev.mailwarden.auth.dkim.internal.Verification;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.RecordType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DKIM verification of one whole message (relaxed/relaxed, key already cached: the resolver returns
 * a completed future), ours vs jDKIM 0.5 on the same bytes, plus the floor: one SHA-256 of the
 * canonical body and one signature verification over precomputed header data.
 *
 * <p>jDKIM 0.5 has no Ed25519 (RFC 8463): {@code verify_jdkim} with {@code algorithm=ed25519} fails
 * in its setup on purpose, so JMH reports that pair as not measured rather than a fake number.
 *
 * <p>The floor for Ed25519 is BouncyCastle's {@code Ed25519Signer} (what {@code auth} uses since
 * issue 18) with the public key decoded once; {@code sign_mailwarden} / {@code sign_floor} are the
 * signing pair (our whole {@code DkimSigner.signMessage} vs hash + one signature).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DkimBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DkimBenchmark {
  private static final Executor DIRECT = Runnable::run;

  /** The signed message, its key and what the floor needs. */
  @State(Scope.Benchmark)
  public static class Input {
    @Param({"4096", "65536"})
    public int size;

    @Param({"rsa", "ed25519"})
    public String algorithm;

    byte[] message;
    DnsResolver dns;
    DkimVerifier verifier;
    Clock clock;

    /** For {@code verify_mailwarden_runtime}: the same DNS, no DNS cache, its shared key cache. */
    MailwardenRuntime runtime;

    MailSession session;
    String keyRecord;
    PublicKey publicKey;
    byte[] canonicalBody;
    byte[] headerData;
    byte[] signature;
    Ed25519PublicKeyParameters edPublicKey;

    /** For the signing pair: the unsigned message, our signer, and the floor's keys. */
    byte[] unsigned;

    DkimSigner signer;
    PrivateKey privateKey;
    Ed25519PrivateKeyParameters edPrivateKey;

    /** An input set up outside JMH (the thread-CPU timings), as JMH would for these params. */
    static Input prepared(String algorithm, int size) throws Exception {
      Input in = new Input();
      in.algorithm = algorithm;
      in.size = size;
      in.setUp();
      return in;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      DkimKeyPair key = algorithm.equals("rsa") ? DkimKeys.rsa(2048) : DkimKeys.ed25519();
      publicKey = key.publicKey();
      keyRecord = key.txtRecord();
      clock = Clock.systemUTC();
      DkimSigner signer =
          DkimSigner.builder()
              .domain("example.com")
              .selector("bench")
              .privateKey(key.privateKey())
              .expireAfter(Duration.ofDays(30))
              .build();
      unsigned = unsignedMessage(size);
      this.signer = signer;
      privateKey = key.privateKey();
      message = signer.signMessage(unsigned);
      if (algorithm.equals("ed25519")) {
        byte[] raw = Base64.getDecoder().decode(key.publicKeyBase64());
        edPublicKey = new Ed25519PublicKeyParameters(raw, 0);
        edPrivateKey =
            (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(privateKey.getEncoded());
      }
      DnsAnswer answer =
          DnsAnswer.of(
              "bench._domainkey.example.com",
              RecordType.TXT,
              List.of(DnsRecord.Txt.of(keyRecord)),
              3600);
      CompletableFuture<DnsAnswer> cached = CompletableFuture.completedFuture(answer);
      dns = (name, type) -> cached;
      verifier = Dkim.check();
      DkimResult r = verifier.verify(message, dns, clock, DIRECT).join();
      if (r.outcome() != Outcome.PASS) {
        throw new IllegalStateException("benchmark message does not verify: " + r);
      }
      runtime =
          MailwardenRuntime.builder()
              .dns(dns)
              .withoutDnsCache()
              .executor(DIRECT)
              .clock(clock)
              .build();
      session = MailSession.builder().message(message).build();
      prepareFloor();
    }

    @TearDown(Level.Trial)
    public void closeRuntime() {
      runtime.close();
    }

    private void prepareFloor() {
      MessageHead head = new MessageHead();
      int used = head.update(message, 0, message.length);
      List<HeaderField> fields = head.fields();
      HeaderField sigField = fields.get(0);
      SignatureTags tags =
          SignatureTags.read(sigField, clock.instant().getEpochSecond(), Duration.ofMinutes(5));
      headerData = Verification.headerHashInput(fields, tags);
      String text = sigField.value().replaceAll("[\\r\\n\\t ]", "");
      String b = text.substring(text.indexOf(";b=") + 3);
      signature = Base64.getDecoder().decode(b.contains(";") ? b.substring(0, b.indexOf(';')) : b);
      // the canonical body, computed once so the floor only hashes it
      StringBuilder canon = new StringBuilder();
      String body = new String(message, used, message.length - used, StandardCharsets.ISO_8859_1);
      BodyHasher check = new BodyHasher(true, "SHA-256", -1);
      byte[] raw = body.getBytes(StandardCharsets.ISO_8859_1);
      check.update(raw, 0, raw.length);
      for (String line : body.split("\r\n", -1)) {
        canon.append(line.replaceAll("[ \t]+", " ").replaceAll(" $", "")).append("\r\n");
      }
      String c = canon.toString();
      while (c.endsWith("\r\n\r\n")) {
        c = c.substring(0, c.length() - 2);
      }
      canonicalBody = c.getBytes(StandardCharsets.ISO_8859_1);
      try {
        if (!MessageDigest.isEqual(
            MessageDigest.getInstance("SHA-256").digest(canonicalBody), check.finish())) {
          throw new IllegalStateException("floor canonical body differs from the verifier's");
        }
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** jDKIM's key retriever; refuses the Ed25519 combination, which jDKIM cannot verify. */
  @State(Scope.Benchmark)
  public static class Jdkim {
    PublicKeyRecordRetriever keys;

    @Setup(Level.Trial)
    public void setUp(Input in) throws Exception {
      if (in.algorithm.equals("ed25519")) {
        throw new UnsupportedOperationException(
            "jDKIM 0.5 has no Ed25519 (RFC 8463): verify_jdkim is not measured for algorithm=ed25519");
      }
      List<String> records = List.of(in.keyRecord);
      keys = (method, selector, token) -> records;
      List<SignatureRecord> ok =
          new DKIMVerifier(keys).verify(new ByteArrayInputStream(in.message));
      if (ok == null || ok.isEmpty()) {
        throw new IllegalStateException("jDKIM does not verify the benchmark message");
      }
    }
  }

  @Benchmark
  public Outcome verify_mailwarden(Input in) {
    return in.verifier.verify(in.message, in.dns, in.clock, DIRECT).join().outcome();
  }

  /**
   * The verifier as deployed: a check on a runtime's context, so parsed key records come from the
   * runtime's shared cache ({@code verify_mailwarden}'s verifier, used on its own, remembers the
   * last key record it parsed). The same DNS (no DNS cache in front of it); a context per message,
   * as an evaluation makes one.
   */
  @Benchmark
  public Outcome verify_mailwarden_runtime(Input in) {
    return in.verifier.check(CheckContext.builder(in.session, in.runtime).build()).join().outcome();
  }

  @Benchmark
  public List<SignatureRecord> verify_jdkim(Input in, Jdkim j) throws Exception {
    return new DKIMVerifier(j.keys).verify(new ByteArrayInputStream(in.message));
  }

  @Benchmark
  public boolean verify_floor(Input in) throws Exception {
    byte[] bodyHash = MessageDigest.getInstance("SHA-256").digest(in.canonicalBody);
    if (in.algorithm.equals("rsa")) {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(in.publicKey);
      s.update(in.headerData);
      return s.verify(in.signature) && bodyHash.length == 32;
    }
    // BouncyCastle's Ed25519 (what auth uses) over the SHA-256 of the header data, key decoded once
    byte[] headerHash = MessageDigest.getInstance("SHA-256").digest(in.headerData);
    Ed25519Signer ed = new Ed25519Signer();
    ed.init(false, in.edPublicKey);
    ed.update(headerHash, 0, headerHash.length);
    return ed.verifySignature(in.signature) && bodyHash.length == 32;
  }

  /** Signs the unsigned message: canonicalize, hash, sign, fold, prepend the field. */
  @Benchmark
  public byte[] sign_mailwarden(Input in) {
    return in.signer.signMessage(in.unsigned);
  }

  /**
   * The bare signing crypto: SHA-256 of the precomputed canonical body + one signature over the
   * precomputed header data (RSA: the JDK's SHA256withRSA; Ed25519: BouncyCastle over its hash).
   */
  @Benchmark
  public byte[] sign_floor(Input in) throws Exception {
    byte[] bodyHash = MessageDigest.getInstance("SHA-256").digest(in.canonicalBody);
    byte[] sig;
    if (in.algorithm.equals("rsa")) {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(in.privateKey);
      s.update(in.headerData);
      sig = s.sign();
    } else {
      byte[] headerHash = MessageDigest.getInstance("SHA-256").digest(in.headerData);
      Ed25519Signer ed = new Ed25519Signer();
      ed.init(true, in.edPrivateKey);
      ed.update(headerHash, 0, headerHash.length);
      sig = ed.generateSignature();
    }
    sig[0] ^= bodyHash[0];
    return sig;
  }

  /** A plain-text message of about {@code size} bytes with ordinary headers. */
  static byte[] unsignedMessage(int size) {
    StringBuilder m = new StringBuilder(size + 200);
    m.append("From: Alice Example <alice@example.com>\r\n")
        .append("To: Bob Example <bob@example.org>\r\n")
        .append("Subject: Quarterly report, draft 3\r\n")
        .append("Date: Sat, 28 Nov 2026 01:00:00 +0000\r\n")
        .append("Message-ID: <20261128010000.12345@mail.example.com>\r\n")
        .append("MIME-Version: 1.0\r\n")
        .append("Content-Type: text/plain; charset=utf-8\r\n")
        .append("\r\n");
    String line = "The quick brown fox jumps over the lazy dog;  numbers 0123456789 follow.\t\r\n";
    int n = 0;
    while (m.length() < size) {
      m.append(n++ % 12 == 11 ? "\r\n" : line);
    }
    return m.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
