package dev.mailwarden.auth.arc.internal;

import dev.mailwarden.auth.dkim.internal.DkimSyntaxException;
import dev.mailwarden.auth.dkim.internal.HeaderField;
import dev.mailwarden.auth.dkim.internal.SignatureTags;
import dev.mailwarden.auth.dkim.internal.TagList;
import dev.mailwarden.internal.DomainNames;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One ARC-Seal or ARC-Message-Signature (RFC 8617 sections 4.1.2, 4.1.3), read with the DKIM
 * tag-list parser and checked the way RFC 6376 checks a DKIM-Signature, with ARC's differences:
 * {@code i=} is the instance, no {@code v=}, the seal has {@code cv=} and no {@code h=}/{@code
 * bh=}, a message signature must not sign ARC-Seal fields. Reading never throws; {@link #problem()}
 * says what makes the field unusable.
 */
public final class ArcSignature {
  public final HeaderField field;
  public final boolean seal;
  @Nullable TagList tags;
  int instance = -1;
  String algorithm = "";
  String keyType = "";
  String domain = "";
  String selector = "";
  String chainStatus = "";
  boolean relaxedHeader;
  boolean relaxedBody;
  List<String> signedHeaders = List.of();
  byte[] bodyHash = new byte[0];
  byte[] signature = new byte[0];
  @Nullable String problem;
  int hasherIndex = -1;

  private ArcSignature(HeaderField field, boolean seal) {
    this.field = field;
    this.seal = seal;
  }

  /** Reads an ARC-Seal ({@code seal}) or ARC-Message-Signature field. */
  public static ArcSignature read(HeaderField field, boolean seal) {
    ArcSignature s = new ArcSignature(field, seal);
    try {
      s.check();
    } catch (DkimSyntaxException e) {
      s.problem = e.getMessage();
    }
    return s;
  }

  private String what() {
    return seal ? "ARC-Seal" : "ARC-Message-Signature";
  }

  private void check() throws DkimSyntaxException {
    byte[] raw = field.bytes();
    int end = field.end();
    requireNoEmptyTagSpec(raw, field.colon() + 1, end);
    TagList t;
    try {
      t = TagList.parse(raw, field.colon() + 1, end); // in place: b= and bh= are decoded there
    } catch (DkimSyntaxException e) {
      throw new DkimSyntaxException(what() + " syntax: " + e.getMessage());
    }
    tags = t;
    instance = ArcHeaders.instance(t.get("i"));
    if (instance < 0) {
      throw new DkimSyntaxException(what() + " has no valid i= instance");
    }
    String w = what() + " i=" + instance;
    for (String required :
        seal
            ? new String[] {"a", "b", "cv", "d", "s"}
            : new String[] {"a", "b", "bh", "d", "h", "s"}) {
      if (!t.has(required)) {
        throw new DkimSyntaxException(w + " lacks the required " + required + "= tag");
      }
    }
    algorithm = orEmpty(t.get("a"));
    keyType =
        switch (algorithm) {
          case "rsa-sha256" -> "rsa";
          case "ed25519-sha256" -> "ed25519";
          case "rsa-sha1" ->
              throw new DkimSyntaxException(w + ": a=rsa-sha1 is not accepted (RFC 8301)");
          default ->
              throw new DkimSyntaxException(
                  w + ": unknown algorithm a=" + TagList.printable(algorithm));
        };
    domain = orEmpty(t.get("d"));
    if (!DomainNames.isAsciiName(domain)) {
      throw new DkimSyntaxException(
          w + ": d=" + TagList.printable(domain) + " is not a domain name");
    }
    selector = orEmpty(t.get("s"));
    if (!DomainNames.isAsciiName(selector)) {
      throw new DkimSyntaxException(
          w + ": s=" + TagList.printable(selector) + " is not a valid selector");
    }
    String ts = t.get("t");
    if (ts != null && !isNumber(ts)) {
      throw new DkimSyntaxException(w + ": t= is not a number");
    }
    if (seal) {
      if (t.has("h")) {
        throw new DkimSyntaxException(w + ": an ARC-Seal must not have h= (RFC 8617 4.1.3)");
      }
      chainStatus = orEmpty(t.get("cv"));
      if (!chainStatus.equals("none")
          && !chainStatus.equals("pass")
          && !chainStatus.equals("fail")) {
        throw new DkimSyntaxException(
            w + ": cv=" + TagList.printable(chainStatus) + " is not none, pass or fail");
      }
      relaxedHeader = true; // seals are always relaxed (RFC 8617 5.1.1)
    } else {
      String c = t.get("c");
      if (c != null) {
        int slash = c.indexOf('/');
        relaxedHeader = canonicalization(slash < 0 ? c : c.substring(0, slash), w);
        relaxedBody = slash >= 0 && canonicalization(c.substring(slash + 1), w);
      }
      signedHeaders = TagList.splitList(orEmpty(t.get("h")));
      for (String h : signedHeaders) {
        if (h.equalsIgnoreCase("arc-seal")) {
          throw new DkimSyntaxException(w + ": h= signs ARC-Seal, which RFC 8617 4.1.2 forbids");
        }
      }
      bodyHash = SignatureTags.base64(raw, t.valueStart("bh"), t.valueEnd("bh"), "bh");
      if (bodyHash.length == 0) {
        throw new DkimSyntaxException(w + ": bh= is empty");
      }
    }
    signature = SignatureTags.base64(raw, t.valueStart("b"), t.valueEnd("b"), "b");
    if (signature.length == 0) {
      throw new DkimSyntaxException(w + ": b= is empty");
    }
  }

  /**
   * RFC 6376 3.2: {@code tag-spec *(";" tag-spec) [";"]} allows one optional ';' at the end, not an
   * empty tag-spec between two (the DKIM parser tolerates those; ARC sets are new enough to be held
   * to the grammar).
   */
  private void requireNoEmptyTagSpec(byte[] v, int from, int to) throws DkimSyntaxException {
    boolean empty = true; // the tag-spec since the last ';'
    for (int k = from; k < to; k++) {
      byte c = v[k];
      if (c == ';') {
        if (empty) {
          throw new DkimSyntaxException(what() + " syntax: empty tag-spec (';;')");
        }
        empty = true;
      } else {
        empty &= TagList.isFws(c);
      }
    }
  }

  private static boolean canonicalization(String c, String w) throws DkimSyntaxException {
    return switch (c) {
      case "simple" -> false;
      case "relaxed" -> true;
      default ->
          throw new DkimSyntaxException(w + ": unknown canonicalization c=" + TagList.printable(c));
    };
  }

  private static boolean isNumber(String v) {
    if (v.isEmpty() || v.length() > 19) {
      return false;
    }
    for (int k = 0; k < v.length(); k++) {
      if (v.charAt(k) < '0' || v.charAt(k) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  public @Nullable String problem() {
    return problem;
  }

  public int instance() {
    return instance;
  }

  public String domain() {
    return domain;
  }

  public String selector() {
    return selector;
  }

  public String chainStatus() {
    return chainStatus;
  }

  /** The name to query for the key: {@code <s>._domainkey.<d>}, lower case. */
  public String keyName() {
    return (selector + "._domainkey." + domain).toLowerCase(Locale.ROOT);
  }

  /** Offset in {@link HeaderField#raw()} where b='s raw value starts and ends, or -1. */
  int bStart() {
    TagList t = tags;
    return t == null ? -1 : field.colon() + 1 + t.rawValueStart("b");
  }

  int bEnd() {
    TagList t = tags;
    return t == null ? -1 : field.colon() + 1 + t.rawValueEnd("b");
  }
}
