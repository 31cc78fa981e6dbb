package dev.mailwarden.auth.doctor;

import dev.mailwarden.auth.dkim.DkimKeys;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The zones of the doctor's tests: one mail domain per scenario, {@code s<k>.example.com} sending
 * from {@code 192.0.2.<k>}, healthy by default (MX, SPF, DKIM selector {@code s1} with a 2048-bit
 * key, DMARC p=reject with a local rua, forward-confirmed PTR, HELO {@code mail.<domain>}); each
 * scenario changes one thing and names the exact codes the doctor must report. The same zones feed
 * a {@code ZoneResolver} (unit tests) and a real NSD ({@code DoctorNsdIT}).
 */
final class DoctorZones {
  static final String SOA =
      "@ 300 IN SOA ns.example.com. hostmaster.example.com. 1 3600 600 86400 300\n@ 300 IN NS ns.example.com.\n";

  /** A 2048-bit key (good), a 1024-bit key (weak: warning), a 512-bit key (weak: error). */
  static final String KEY_2048 = base64(DkimKeys.rsa(2048).publicKey());

  static final String KEY_1024 = base64(DkimKeys.rsa(1024).publicKey());
  static final String KEY_512 = base64(rsa512());

  /** One examination: a domain and its address, what changed, and the codes expected. */
  static final class Scenario {
    final String name;
    final int k;
    final Set<String> expected;
    final Map<String, String> records = new LinkedHashMap<>();
    final List<String> extra = new ArrayList<>();
    final List<String> zen = new ArrayList<>();
    final List<String> net = new ArrayList<>();
    String helo;
    List<String> selectors = List.of("s1");
    String ptr;

    Scenario(String name, int k, Set<String> expected) {
      this.name = name;
      this.k = k;
      this.expected = expected;
      String d = domain();
      records.put("mx", d + ". IN MX 10 mail." + d + ".");
      records.put("spf", d + ". IN TXT \"v=spf1 ip4:" + ip() + " -all\"");
      records.put("mail", "mail." + d + ". IN A " + ip());
      records.put(
          "dmarc", "_dmarc." + d + ". IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@" + d + "\"");
      records.put("dkim", txt("s1._domainkey." + d + ".", "v=DKIM1; k=rsa; p=" + KEY_2048));
      this.helo = "mail." + d;
      this.ptr = "mail." + d + ".";
    }

    String domain() {
      return "s" + k + ".example.com";
    }

    String ip() {
      return "192.0.2." + k;
    }

    @Override
    public String toString() {
      return name + " (" + domain() + ")";
    }
  }

  final List<Scenario> scenarios = new ArrayList<>();
  private int next = 1;

  /** A scenario whose examination must give exactly {@code codes}. */
  Scenario add(String name, Set<String> codes, Consumer<Scenario> change) {
    Scenario s = new Scenario(name, next++, codes);
    change.accept(s);
    scenarios.add(s);
    return s;
  }

  /** Every scenario of the doctor's contract: a good and a bad twin for each code. */
  static DoctorZones contract() {
    DoctorZones z = new DoctorZones();
    Set<String> none = Set.of();
    z.add("healthy", none, s -> {});

    // reverse DNS and HELO
    z.add("ptr-missing: no PTR", Set.of(Codes.PTR_MISSING), s -> s.ptr = null);
    z.add(
        "fcrdns-mismatch: PTR name resolves elsewhere",
        Set.of(Codes.FCRDNS_MISMATCH),
        s -> {
          s.ptr = "other." + s.domain() + ".";
          s.extra.add("other." + s.domain() + ". IN A 198.51.100.7");
        });
    z.add(
        "fcrdns good twin: PTR to another name that resolves back",
        none,
        s -> {
          s.ptr = "smtp." + s.domain() + ".";
          s.extra.add("smtp." + s.domain() + ". IN A " + s.ip());
        });
    z.add(
        "ptr-generic: dynamic-looking PTR",
        Set.of(Codes.PTR_GENERIC),
        s -> {
          s.ptr = "dynamic-192-0-2-" + s.k + ".pool." + s.domain() + ".";
          s.extra.add("dynamic-192-0-2-" + s.k + ".pool." + s.domain() + ". IN A " + s.ip());
        });
    z.add(
        "helo-mismatch: HELO resolves elsewhere",
        Set.of(Codes.HELO_MISMATCH),
        s -> {
          s.helo = "other." + s.domain();
          s.extra.add("other." + s.domain() + ". IN A 198.51.100.7");
        });
    z.add(
        "helo good twin: another HELO that resolves to the address",
        none,
        s -> {
          s.helo = "relay." + s.domain();
          s.extra.add("relay." + s.domain() + ". IN A " + s.ip());
        });
    z.add("helo-not-fqdn: single-label HELO", Set.of("helo-not-fqdn"), s -> s.helo = "mailserver");
    z.add("no HELO given: HELO not checked", none, s -> s.helo = null);

    // blocklists
    z.add("listed: SBL", Set.of(Codes.LISTED), s -> s.zen.add(rev(s) + " IN A 127.0.0.2"));
    z.add("listed: PBL (ISP)", Set.of(Codes.LISTED), s -> s.zen.add(rev(s) + " IN A 127.0.0.10"));
    z.add(
        "listed good twin: a code outside ZEN's filter",
        none,
        s -> s.zen.add(rev(s) + " IN A 127.0.0.1"));
    z.add(
        "public-resolver: 127.255.255.254",
        Set.of(Codes.PUBLIC_RESOLVER),
        s -> s.zen.add(rev(s) + " IN A 127.255.255.254"));
    z.add(
        "public-resolver: rate limited 127.255.255.255",
        Set.of(Codes.PUBLIC_RESOLVER),
        s -> s.zen.add(rev(s) + " IN A 127.255.255.255"));

    // SPF
    z.add("spf-missing", Set.of(Codes.SPF_MISSING), s -> s.records.remove("spf"));
    z.add(
        "spf-missing good twin: a non-SPF TXT next to the record",
        none,
        s -> s.extra.add(s.domain() + ". IN TXT \"google-site-verification=abc\""));
    z.add(
        "spf-multiple",
        Set.of(Codes.SPF_MULTIPLE),
        s -> s.extra.add(s.domain() + ". IN TXT \"v=spf1 mx -all\""));
    z.add(
        "spf-syntax",
        Set.of(Codes.SPF_SYNTAX),
        s -> s.records.put("spf", s.domain() + ". IN TXT \"v=spf1 ip4:" + s.ip() + " -al\""));
    z.add(
        "spf-syntax in an include",
        Set.of(Codes.SPF_SYNTAX),
        s -> {
          s.records.put(
              "spf", s.domain() + ". IN TXT \"v=spf1 include:_spf." + s.domain() + " -all\"");
          s.extra.add("_spf." + s.domain() + ". IN TXT \"v=spf1 ip4:" + s.ip() + "/33 ~all\"");
        });
    z.add(
        "spf-include-missing",
        Set.of(Codes.SPF_INCLUDE_MISSING),
        s ->
            s.records.put(
                "spf",
                s.domain()
                    + ". IN TXT \"v=spf1 ip4:"
                    + s.ip()
                    + " include:_gone."
                    + s.domain()
                    + " -all\""));
    z.add(
        "spf-ip-not-authorized",
        Set.of(Codes.SPF_IP_NOT_AUTHORIZED),
        s -> s.records.put("spf", s.domain() + ". IN TXT \"v=spf1 ip4:198.51.100.1 -all\""));
    z.add(
        "spf-ip-not-authorized: softfail",
        Set.of(Codes.SPF_IP_NOT_AUTHORIZED),
        s -> s.records.put("spf", s.domain() + ". IN TXT \"v=spf1 ip4:198.51.100.1 ~all\""));
    z.add(
        "spf good twin: authorized through include and mx",
        none,
        s -> {
          s.records.put(
              "spf", s.domain() + ". IN TXT \"v=spf1 include:_spf." + s.domain() + " mx -all\"");
          s.extra.add("_spf." + s.domain() + ". IN TXT \"v=spf1 ip4:198.51.100.0/24 ~all\"");
        });
    z.add(
        "spf-too-many-lookups: 11 a: terms",
        Set.of(Codes.SPF_TOO_MANY_LOOKUPS),
        s -> lookups(s, 11, 0));
    z.add("spf-too-many-lookups good twin: 10 a: terms", none, s -> lookups(s, 10, 0));
    z.add(
        "spf-too-many-lookups: 12 over two includes",
        Set.of(Codes.SPF_TOO_MANY_LOOKUPS),
        s -> {
          s.records.put(
              "spf",
              s.domain()
                  + ". IN TXT \"v=spf1 ip4:"
                  + s.ip()
                  + " include:_a."
                  + s.domain()
                  + " include:_b."
                  + s.domain()
                  + " -all\"");
          s.extra.add("_a." + s.domain() + ". IN TXT \"" + aTerms(s, 1, 5) + " ~all\"");
          s.extra.add("_b." + s.domain() + ". IN TXT \"" + aTerms(s, 6, 5) + " ~all\"");
          hosts(s, 1, 10);
        });
    z.add(
        "spf-too-many-lookups: 3 void lookups",
        Set.of(Codes.SPF_TOO_MANY_LOOKUPS),
        s -> lookups(s, 0, 3));
    z.add("spf-too-many-lookups good twin: 2 void lookups", none, s -> lookups(s, 0, 2));
    z.add(
        "spf-too-many-lookups: 2 void a: and a ptr without PTR record",
        Set.of(Codes.PTR_MISSING, Codes.SPF_PTR, Codes.SPF_TOO_MANY_LOOKUPS),
        s -> {
          s.ptr = null;
          s.records.put(
              "spf",
              s.domain()
                  + ". IN TXT \"v=spf1 a:void1."
                  + s.domain()
                  + " a:void2."
                  + s.domain()
                  + " ptr ip4:"
                  + s.ip()
                  + " -all\"");
        });
    z.add(
        "spf-too-many-lookups: terms after all do not count",
        none,
        s ->
            s.records.put(
                "spf",
                txt(
                    s.domain() + ".",
                    "v=spf1 ip4:" + s.ip() + " -all " + aTerms(s, 1, 12).substring(7))));
    z.add(
        "spf-too-many-lookups: mx with 11 names",
        Set.of(Codes.SPF_TOO_MANY_LOOKUPS),
        s -> {
          s.records.put(
              "spf",
              s.domain() + ". IN TXT \"v=spf1 ip4:" + s.ip() + " mx:big." + s.domain() + " -all\"");
          for (int i = 1; i <= 11; i++) {
            s.extra.add("big." + s.domain() + ". IN MX " + i + " mail." + s.domain() + ".");
          }
        });
    z.add(
        "spf-too-many-lookups (hostile): include loop",
        Set.of(Codes.SPF_TOO_MANY_LOOKUPS),
        s -> {
          s.records.put(
              "spf",
              s.domain()
                  + ". IN TXT \"v=spf1 ip4:"
                  + s.ip()
                  + " include:l1."
                  + s.domain()
                  + " -all\"");
          s.extra.add(
              "l1." + s.domain() + ". IN TXT \"v=spf1 include:l2." + s.domain() + " ~all\"");
          s.extra.add(
              "l2." + s.domain() + ". IN TXT \"v=spf1 include:l1." + s.domain() + " ~all\"");
        });
    z.add(
        "spf-too-many-lookups (hostile): wide tree, 10 includes per level, 6 levels",
        Set.of(Codes.SPF_TOO_MANY_LOOKUPS),
        s -> {
          s.records.put(
              "spf",
              s.domain()
                  + ". IN TXT \"v=spf1 ip4:"
                  + s.ip()
                  + " include:w0."
                  + s.domain()
                  + " -all\"");
          for (int level = 0; level < 6; level++) {
            StringBuilder r = new StringBuilder("v=spf1");
            for (int i = 0; i < 10; i++) {
              r.append(" include:w").append(level + 1).append('.').append(s.domain());
            }
            s.extra.add(txt("w" + level + "." + s.domain() + ".", r + " ~all"));
          }
          s.extra.add("w6." + s.domain() + ". IN TXT \"v=spf1 a:mail." + s.domain() + " ~all\"");
        });
    z.add(
        "spf-permissive-all: +all",
        Set.of(Codes.SPF_PERMISSIVE_ALL),
        s -> s.records.put("spf", s.domain() + ". IN TXT \"v=spf1 ip4:" + s.ip() + " +all\""));
    z.add(
        "spf-permissive-all: ?all",
        Set.of(Codes.SPF_PERMISSIVE_ALL),
        s -> s.records.put("spf", s.domain() + ". IN TXT \"v=spf1 ip4:" + s.ip() + " ?all\""));
    z.add(
        "spf-permissive-all good twin: ~all",
        none,
        s -> s.records.put("spf", s.domain() + ". IN TXT \"v=spf1 ip4:" + s.ip() + " ~all\""));
    z.add(
        "spf-permissive-all good twin: redirect to a -all record",
        none,
        s -> {
          s.records.put("spf", s.domain() + ". IN TXT \"v=spf1 redirect=_r." + s.domain() + "\"");
          s.extra.add("_r." + s.domain() + ". IN TXT \"v=spf1 ip4:" + s.ip() + " -all\"");
        });
    z.add(
        "spf-ptr",
        Set.of(Codes.SPF_PTR),
        s -> s.records.put("spf", s.domain() + ". IN TXT \"v=spf1 ip4:" + s.ip() + " ptr -all\""));

    // DKIM
    z.add("dkim-key-missing", Set.of(Codes.DKIM_KEY_MISSING), s -> s.records.remove("dkim"));
    z.add(
        "dkim-key-invalid: revoked",
        Set.of(Codes.DKIM_KEY_INVALID),
        s ->
            s.records.put(
                "dkim", "s1._domainkey." + s.domain() + ". IN TXT \"v=DKIM1; k=rsa; p=\""));
    z.add(
        "dkim-key-weak: 1024 bits warns",
        Set.of(Codes.DKIM_KEY_WEAK),
        s ->
            s.records.put(
                "dkim", txt("s1._domainkey." + s.domain() + ".", "v=DKIM1; k=rsa; p=" + KEY_1024)));
    z.add(
        "dkim-key-weak: 512 bits is an error",
        Set.of(Codes.DKIM_KEY_WEAK),
        s ->
            s.records.put(
                "dkim", txt("s1._domainkey." + s.domain() + ".", "v=DKIM1; k=rsa; p=" + KEY_512)));
    z.add(
        "dkim-testing: t=y",
        Set.of(Codes.DKIM_TESTING),
        s ->
            s.records.put(
                "dkim",
                txt("s1._domainkey." + s.domain() + ".", "v=DKIM1; k=rsa; t=y; p=" + KEY_2048)));
    z.add(
        "dkim-testing good twin: t=s",
        none,
        s ->
            s.records.put(
                "dkim",
                txt("s1._domainkey." + s.domain() + ".", "v=DKIM1; k=rsa; t=s; p=" + KEY_2048)));
    z.add(
        "dkim-not-checked: no selector",
        Set.of(Codes.DKIM_NOT_CHECKED),
        s -> s.selectors = List.of());

    // DMARC
    z.add("dmarc-missing", Set.of(Codes.DMARC_MISSING), s -> s.records.remove("dmarc"));
    z.add(
        "dmarc-invalid: bad p= and no rua",
        Set.of(Codes.DMARC_INVALID),
        s -> s.records.put("dmarc", "_dmarc." + s.domain() + ". IN TXT \"v=DMARC1; p=bogus\""));
    z.add(
        "dmarc-invalid: two records",
        Set.of(Codes.DMARC_INVALID),
        s -> s.extra.add("_dmarc." + s.domain() + ". IN TXT \"v=DMARC1; p=none\""));
    z.add(
        "dmarc-p-none",
        Set.of(Codes.DMARC_P_NONE),
        s ->
            s.records.put(
                "dmarc",
                "_dmarc."
                    + s.domain()
                    + ". IN TXT \"v=DMARC1; p=none; rua=mailto:dmarc@"
                    + s.domain()
                    + "\""));
    z.add(
        "dmarc-no-rua",
        Set.of(Codes.DMARC_NO_RUA),
        s ->
            s.records.put("dmarc", "_dmarc." + s.domain() + ". IN TXT \"v=DMARC1; p=quarantine\""));
    z.add(
        "dmarc-rua-unauthorized",
        Set.of(Codes.DMARC_RUA_UNAUTHORIZED),
        s ->
            s.records.put(
                "dmarc",
                "_dmarc."
                    + s.domain()
                    + ". IN TXT \"v=DMARC1; p=reject; rua=mailto:reports@example.net\""));
    z.add(
        "dmarc-rua-unauthorized good twin: the destination authorizes",
        none,
        s -> {
          s.records.put(
              "dmarc",
              "_dmarc."
                  + s.domain()
                  + ". IN TXT \"v=DMARC1; p=reject; rua=mailto:reports@example.net!10m\"");
          s.net.add(s.domain() + "._report._dmarc.example.net. IN TXT \"v=DMARC1\"");
        });
    z.add(
        "dmarc-rua good twin: same organisational domain needs no authorization",
        none,
        s ->
            s.records.put(
                "dmarc",
                "_dmarc."
                    + s.domain()
                    + ". IN TXT \"v=DMARC1; p=reject; rua=mailto:reports@example.com\""));

    // MX
    z.add("mx-missing", Set.of(Codes.MX_MISSING), s -> s.records.remove("mx"));
    z.add("mx-null", Set.of(Codes.MX_NULL), s -> s.records.put("mx", s.domain() + ". IN MX 0 ."));
    z.add(
        "mx-cname",
        Set.of(Codes.MX_CNAME),
        s -> {
          s.records.put("mx", s.domain() + ". IN MX 10 alias." + s.domain() + ".");
          s.extra.add("alias." + s.domain() + ". IN CNAME mail." + s.domain() + ".");
        });
    z.add(
        "mx-no-address",
        Set.of(Codes.MX_NO_ADDRESS),
        s -> s.records.put("mx", s.domain() + ". IN MX 10 nohost." + s.domain() + "."));
    z.add(
        "mx good twin: two exchanges, one IPv6 only",
        none,
        s -> {
          s.extra.add(s.domain() + ". IN MX 20 mx6." + s.domain() + ".");
          s.extra.add("mx6." + s.domain() + ". IN AAAA 2001:db8::25");
        });
    return z;
  }

  private static void lookups(Scenario s, int resolving, int voids) {
    StringBuilder r = new StringBuilder("v=spf1 ip4:" + s.ip());
    for (int i = 1; i <= resolving; i++) {
      r.append(" a:h").append(i).append('.').append(s.domain());
    }
    for (int i = 1; i <= voids; i++) {
      r.append(" a:void").append(i).append('.').append(s.domain());
    }
    s.records.put("spf", txt(s.domain() + ".", r + " -all"));
    hosts(s, 1, resolving);
  }

  private static String aTerms(Scenario s, int from, int count) {
    StringBuilder r = new StringBuilder("v=spf1");
    for (int i = from; i < from + count; i++) {
      r.append(" a:h").append(i).append('.').append(s.domain());
    }
    return r.toString();
  }

  private static void hosts(Scenario s, int from, int to) {
    for (int i = from; i <= to; i++) {
      s.extra.add("h" + i + "." + s.domain() + ". IN A 198.51.100." + i);
    }
  }

  private static String rev(Scenario s) {
    return s.k + ".2.0.192.zen.spamhaus.org.";
  }

  /** The zones, by zone name, as master-file text with SOA and NS (NSD needs them). */
  Map<String, String> zones() {
    StringBuilder com =
        new StringBuilder("$ORIGIN example.com.\n$TTL 300\n" + SOA + "ns IN A 127.0.0.1\n");
    StringBuilder arpa = new StringBuilder("$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 300\n" + SOA);
    StringBuilder zen =
        new StringBuilder(
            "$ORIGIN zen.spamhaus.org.\n$TTL 300\n"
                + SOA
                + "2.0.0.127.zen.spamhaus.org. IN A 127.0.0.2\n");
    StringBuilder net = new StringBuilder("$ORIGIN example.net.\n$TTL 300\n" + SOA);
    for (Scenario s : scenarios) {
      s.records.values().forEach(l -> com.append(l).append('\n'));
      s.extra.forEach(l -> com.append(l).append('\n'));
      if (s.ptr != null) {
        arpa.append(s.k).append(".2.0.192.in-addr.arpa. IN PTR ").append(s.ptr).append('\n');
      }
      s.zen.forEach(l -> zen.append(l).append('\n'));
      s.net.forEach(l -> net.append(l).append('\n'));
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put("example.com", com.toString());
    out.put("2.0.192.in-addr.arpa", arpa.toString());
    out.put("zen.spamhaus.org", zen.toString());
    out.put("example.net", net.toString());
    return out;
  }

  /** A TXT line split into character-strings of at most 255 bytes. */
  static String txt(String owner, String text) {
    StringBuilder b = new StringBuilder(owner).append(" IN TXT");
    for (int i = 0; i < text.length(); i += 255) {
      b.append(" \"").append(text, i, Math.min(text.length(), i + 255)).append('"');
    }
    return b.toString();
  }

  private static String base64(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  private static PublicKey rsa512() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(512);
      return g.generateKeyPair().getPublic();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
