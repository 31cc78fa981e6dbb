package dev.mailwarden.auth.doctor.internal;

import dev.mailwarden.auth.dkim.internal.DkimSyntaxException;
import dev.mailwarden.auth.dkim.internal.KeyRecord;
import dev.mailwarden.auth.doctor.Codes;
import dev.mailwarden.auth.doctor.DoctorFinding;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.RecordType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The DKIM key of each selector, read with the verifier's own {@link KeyRecord} parser: {@code
 * dkim-key-missing}, {@code dkim-key-invalid}, {@code dkim-key-weak} (RSA under 2048 bits warns,
 * under 1024 is an error: RFC 8301 verifiers refuse it), {@code dkim-testing}.
 */
final class DkimExam {
  static final int STRONG_BITS = 2048;
  static final int MIN_BITS = 1024;

  private DkimExam() {}

  static CompletableFuture<List<DoctorFinding>> run(
      Examination ex, String domain, List<String> selectors) {
    if (selectors.isEmpty()) {
      return CompletableFuture.completedFuture(
          List.of(
              Found.info(
                  Codes.DKIM_NOT_CHECKED,
                  "No DKIM selector was given, so no DKIM key was checked.",
                  "Give the selector your server signs with (the s= tag of its DKIM-Signature), e.g. --selector s1.")));
    }
    List<CompletableFuture<List<DoctorFinding>>> parts = new ArrayList<>();
    for (String selector : selectors) {
      String name = selector + "._domainkey." + domain;
      parts.add(
          ex.dns()
              .lookup(name, RecordType.TXT)
              .thenApplyAsync(
                  a -> key(name, a),
                  ex.executor())); // RSA key decoding: CPU work, off the DNS thread
    }
    return Examination.concat(parts);
  }

  private static List<DoctorFinding> key(String name, DnsAnswer a) {
    if (a.isError()) {
      return List.of(Found.dnsError(a, "the DKIM key at " + name));
    }
    List<DnsRecord.Txt> txts = a.txts();
    if (txts.isEmpty()) {
      return List.of(
          Found.error(
              Codes.DKIM_KEY_MISSING,
              "No DKIM key at "
                  + name
                  + " ("
                  + a.status()
                  + "): receivers cannot verify mail signed with this selector.",
              "Publish the public key as a TXT record at "
                  + name
                  + " (mailwarden dkim keygen prints one), or sign with a selector that has one."));
    }
    if (txts.size() > 1) {
      return List.of(
          Found.error(
              Codes.DKIM_KEY_INVALID,
              name
                  + " has "
                  + txts.size()
                  + " TXT records; verifiers cannot tell which is the key (RFC 6376 section 3.6.2.2).",
              "Keep exactly one key record per selector; publish a new key under a new selector."));
    }
    KeyRecord key;
    try {
      key = KeyRecord.parse(txts.get(0).text());
    } catch (DkimSyntaxException e) {
      return List.of(
          Found.error(
              Codes.DKIM_KEY_INVALID,
              Found.clean(
                  "The DKIM key record at " + name + " is unusable: " + e.getMessage() + "."),
              "Publish the key record again as v=DKIM1; k=rsa; p=<base64 public key> (mailwarden dkim keygen prints one)."));
    }
    List<DoctorFinding> out = new ArrayList<>();
    if (key.keyType().equals("rsa") && key.bits() < MIN_BITS) {
      out.add(
          Found.error(
              Codes.DKIM_KEY_WEAK,
              "The RSA key at "
                  + name
                  + " has "
                  + key.bits()
                  + " bits; verifiers ignore signatures with keys under "
                  + MIN_BITS
                  + " bits (RFC 8301).",
              "Generate a 2048-bit key (mailwarden dkim keygen --type rsa), publish it under a new selector and sign with it."));
    } else if (key.keyType().equals("rsa") && key.bits() < STRONG_BITS) {
      out.add(
          Found.warning(
              Codes.DKIM_KEY_WEAK,
              "The RSA key at "
                  + name
                  + " has "
                  + key.bits()
                  + " bits; "
                  + STRONG_BITS
                  + " bits is the recommended size and some receivers already distrust shorter keys.",
              "Generate a 2048-bit key (mailwarden dkim keygen --type rsa), publish it under a new selector and sign with it."));
    }
    if (key.testing()) {
      out.add(
          Found.warning(
              Codes.DKIM_TESTING,
              "The key at "
                  + name
                  + " has t=y (testing): receivers may treat its signatures as unsigned mail.",
              "Remove t=y from the key record once signing works."));
    }
    return out;
  }
}
