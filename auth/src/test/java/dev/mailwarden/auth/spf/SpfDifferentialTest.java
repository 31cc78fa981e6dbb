package dev.mailwarden.auth.spf;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.mailwarden.CheckContext;
import dev.mailwarden.Checker;
import dev.mailwarden.MailSession;
import dev.mailwarden.dns.ZoneResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * jSPF as a differential oracle: both engines evaluate both suites and a generated set of records,
 * and every disagreement is printed. What is asserted is only what is honest: on the suites the
 * native engine always agrees with the suite and the jSPF engine differs only in its documented
 * deviations; on generated records both engines always answer (the differences are collected for
 * reading, not judged, because there is no reference answer).
 */
class SpfDifferentialTest {
  private static final Checker<SpfResult> NATIVE = SpfSuite.checker(SpfEngine.nativeEngine());
  private static final Checker<SpfResult> JSPF = SpfSuite.checker(SpfEngine.jspf());

  @Test
  void suites_differOnlyWhereJspfDeviates() {
    List<String> differences = new ArrayList<>();
    for (String suite : List.of("rfc7208", "rfc4408")) {
      for (SpfSuite.Case c : SpfSuite.load(suite)) {
        SpfResult n = SpfSuite.run(NATIVE, c);
        SpfResult j = SpfSuite.run(JSPF, c);
        assertThat(SpfSuite.judge(c, n)).as("native on %s %s", suite, c.name()).isTrue();
        if (!same(n, j)) {
          differences.add(suite + " " + c.name() + ": native " + show(n) + " / jspf " + show(j));
          if (!SpfSuite.judge(c, j)) {
            List<String> documented =
                suite.equals("rfc7208")
                    ? SpfRfc7208JspfTest.DEVIATIONS
                    : SpfRfc4408JspfTest.DEVIATIONS;
            assertThat(documented).as("undocumented jSPF deviation").contains(c.name());
          }
        }
      }
    }
    System.out.println("suite differences native vs jspf: " + differences.size());
    differences.forEach(d -> System.out.println("  " + d));
  }

  @Test
  void generatedRecords_bothEnginesAlwaysAnswer_differencesReported() throws Exception {
    Random random = new Random(7208);
    int cases = 400;
    Map<String, Integer> byKind = new LinkedHashMap<>();
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      ZoneResolver.Builder zone = baseZone();
      for (int d = 0; d < 4; d++) {
        zone.txt("d" + d + ".example.com", randomRecord(random));
      }
      ZoneResolver dns = zone.build();
      String ip = CLIENTS[random.nextInt(CLIENTS.length)];
      MailSession s =
          MailSession.builder()
              .clientIp(InetAddresses.forString(ip))
              .helo("h1.example.com")
              .mailFrom("user-" + i + "@d0.example.com")
              .build();
      SpfResult n = NATIVE.check(CheckContext.forTesting(s, dns)).get(10, TimeUnit.SECONDS);
      SpfResult j = JSPF.check(CheckContext.forTesting(s, dns)).get(10, TimeUnit.SECONDS);
      assertThat(n.outcome()).isNotNull();
      assertThat(j.outcome()).isNotNull();
      if (!same(n, j)) {
        String kind = n.outcome().token() + "->" + j.outcome().token();
        byKind.merge(kind, 1, Integer::sum);
        if (differences.size() < 25) {
          differences.add(
              ip + " records" + txt(dns) + ": native " + show(n) + " / jspf " + show(j));
        }
      }
    }
    int total = byKind.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println(
        "generated records: " + cases + " cases, " + total + " differences " + byKind);
    differences.forEach(d -> System.out.println("  " + d));
  }

  private static final String[] CLIENTS = {
    "192.0.2.1", "198.51.100.7", "2001:db8::1", "203.0.113.5"
  };

  private static final String[] TERMS = {
    "ip4:192.0.2.0/24",
    "ip4:198.51.100.7",
    "ip4:203.0.113.0/25",
    "ip6:2001:db8::/32",
    "a",
    "a:h1.example.com",
    "a:h2.example.com/24",
    "a//64",
    "mx",
    "mx:d1.example.com",
    "mx/30",
    "include:d1.example.com",
    "include:d2.example.com",
    "include:d3.example.com",
    "exists:%{i}.bl.example.com",
    "exists:%{l1r-}.users.example.com",
    "ptr",
    "ptr:example.com",
    "a:nx%{d2}",
    "exists:%{ir}.%{v}.rev.example.com",
    "x-unknown=%{d}",
    "a:%{h}",
  };
  private static final String[] QUALIFIERS = {"", "", "+", "-", "~", "?"};

  private static String randomRecord(Random r) {
    StringBuilder b = new StringBuilder("v=spf1");
    int n = 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      String term = TERMS[r.nextInt(TERMS.length)];
      b.append(' ');
      if (!term.contains("=")) {
        b.append(QUALIFIERS[r.nextInt(QUALIFIERS.length)]);
      }
      b.append(term);
    }
    switch (r.nextInt(4)) {
      case 0 -> b.append(' ').append(QUALIFIERS[r.nextInt(QUALIFIERS.length)]).append("all");
      case 1 -> b.append(" redirect=d").append(1 + r.nextInt(3)).append(".example.com");
      case 2 -> b.append(" -all exp=exp.example.com");
      default -> {}
    }
    return b.toString();
  }

  private static ZoneResolver.Builder baseZone() {
    return ZoneResolver.builder()
        .address("h1.example.com", "192.0.2.1")
        .address("h1.example.com", "2001:db8::1")
        .address("h2.example.com", "198.51.100.9")
        .address("d0.example.com", "203.0.113.5")
        .address("d1.example.com", "192.0.2.77")
        .mx("d0.example.com", 10, "h1.example.com")
        .mx("d1.example.com", 10, "h2.example.com")
        .address("192.0.2.1.bl.example.com", "127.0.0.2")
        .address("user-3.users.example.com", "127.0.0.2")
        .ptr("1.2.0.192.in-addr.arpa", "h1.example.com")
        .ptr("7.100.51.198.in-addr.arpa", "Mail.Example.com")
        .address("mail.example.com", "198.51.100.7")
        .address("5.113.0.203.in-addr.rev.example.com", "127.0.0.2")
        .txt("exp.example.com", "%{c} is not one of %{d}'s designated mailers");
  }

  private static String txt(ZoneResolver dns) {
    StringBuilder b = new StringBuilder();
    for (int d = 0; d < 4; d++) {
      dns.lookup("d" + d + ".example.com", dev.mailwarden.dns.RecordType.TXT)
          .join()
          .txts()
          .forEach(t -> b.append(" | ").append(t.text()));
    }
    return b.toString();
  }

  private static boolean same(SpfResult a, SpfResult b) {
    return a.outcome() == b.outcome() && a.explanation().equals(b.explanation());
  }

  private static String show(SpfResult r) {
    return r.outcome().token()
        + r.explanation().map(e -> "(\"" + e + "\")").orElse("")
        + r.problem().map(p -> " [" + p + "]").orElse("");
  }
}
