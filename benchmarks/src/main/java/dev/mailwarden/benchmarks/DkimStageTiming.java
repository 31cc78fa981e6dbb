package dev.mailwarden.benchmarks;

import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dkim.internal.BodyHasher;
import dev.mailwarden.auth.dkim.internal.DkimCrypto;
import dev.mailwarden.auth.dkim.internal.DkimSyntaxException;
import dev.mailwarden.auth.dkim.internal.HeaderField;
import dev.mailwarden.auth.dkim.internal.KeyRecord;
import dev.mailwarden.auth.dkim.internal.SignatureTags;
import dev.mailwarden.auth.dkim.internal.Verification;
import dev.mailwarden.internal.HeaderIndex;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Where {@link DkimBenchmark}'s {@code verify_mailwarden} spends its time: the whole verification,
 * its floor, and each stage of ours on its own (split, signature tags, key record, body hash,
 * signed header data, the signature check and, for RSA, the bare {@code modPow} inside it), each in
 * a loop of its own, interleaved round by round on one thread and timed in that thread's CPU time
 * like {@link DkimFloorTiming}. Stages are nested where the table says so; their sum is not the
 * whole. JFR cannot rank these: its samples miss the JIT's intrinsic stubs that RSA and SHA-256 run
 * in.
 *
 * <pre>
 * {@code java -cp benchmarks/target/benchmarks.jar dev.mailwarden.benchmarks.DkimStageTiming \
 *     [algorithm=rsa] [size=4096] [rounds=20] [perRound=1000]}
 * </pre>
 */
public final class DkimStageTiming {
  private DkimStageTiming() {}

  public static void main(String[] args) throws Exception {
    String algorithm = args.length > 0 ? args[0] : "rsa";
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int perRound = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    DkimBenchmark.Input in = DkimBenchmark.Input.prepared(algorithm, size);
    DkimBenchmark b = new DkimBenchmark();
    byte[] message = in.message;
    int cap = 1 << 20;
    HeaderIndex.Block block = HeaderIndex.of(message, message.length).block(cap);
    int bodyOffset = block.bodyOffset();
    List<HeaderField> fields = HeaderField.fieldsOf(block);
    long now = in.clock.instant().getEpochSecond();
    Duration skew = Duration.ofMinutes(5);
    SignatureTags tags = SignatureTags.read(fields.get(0), now, skew);
    KeyRecord key = KeyRecord.parse(in.keyRecord);

    Map<String, IntSupplier> stages = new LinkedHashMap<>();
    stages.put("verify_mailwarden, whole", () -> outcome(b.verify_mailwarden(in)));
    stages.put("verify_floor, whole", () -> floor(b, in));
    stages.put(
        "split the header block, copy its fields",
        () -> HeaderField.fieldsOf(HeaderIndex.of(message, message.length).block(cap)).size());
    stages.put(
        "read the DKIM-Signature tags",
        () -> SignatureTags.read(fields.get(0), now, skew).hashCode());
    stages.put("parse the key record (no runtime's cache)", () -> parse(in.keyRecord).bits());
    stages.put(
        "body: canonicalize + SHA-256",
        () -> {
          BodyHasher h = new BodyHasher(true, "SHA-256", -1);
          h.update(message, bodyOffset, message.length - bodyOffset);
          return h.finish()[0];
        });
    stages.put(
        "  of it, SHA-256 of the canonical body", () -> DkimCrypto.sha256(in.canonicalBody)[0]);
    stages.put(
        "signed header data (canonical fields)",
        () -> Verification.headerHashInput(fields, tags).length);
    stages.put(
        "check the signature over the header data",
        () -> DkimCrypto.verify(key, in.headerData, in.signature) ? 1 : 0);
    if (in.publicKey instanceof RSAPublicKey rsa) {
      BigInteger s = new BigInteger(1, in.signature);
      stages.put(
          "  of it, BigInteger.modPow(e, n)",
          () -> s.modPow(rsa.getPublicExponent(), rsa.getModulus()).intValue());
    }

    CpuRounds times = CpuRounds.time(stages, rounds, perRound);
    System.out.printf(
        Locale.ROOT,
        "%s %d B: CPU per operation, median of %d rounds of %d%n",
        algorithm,
        size,
        rounds,
        perRound);
    for (Map.Entry<String, double[]> t : times.sortedMicros().entrySet()) {
      System.out.printf(Locale.ROOT, "  %-45s %8.2f us%n", t.getKey(), t.getValue()[rounds / 2]);
    }
    in.closeRuntime();
    System.out.println("(sink " + times.sink() + ")");
  }

  private static int outcome(Outcome o) {
    if (o != Outcome.PASS) {
      throw new IllegalStateException("the benchmark message did not verify");
    }
    return 1;
  }

  private static int floor(DkimBenchmark b, DkimBenchmark.Input in) {
    try {
      if (!b.verify_floor(in)) {
        throw new IllegalStateException("the floor did not verify");
      }
      return 1;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyRecord parse(String record) {
    try {
      return KeyRecord.parse(record);
    } catch (DkimSyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
