package dev.mailwarden.auth.helo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.common.net.InetAddresses;
import dev.mailwarden.Evaluation;
import dev.mailwarden.MailSession;
import dev.mailwarden.MailWarden;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.internal.ReverseNames;
import dev.mailwarden.testing.TestRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HELO sanity and iprev over one in-memory zone, one row per case. Each row runs both checkers in
 * one evaluation (so HELO reuses the iprev lookups) and asserts every finding of both, their summed
 * score and the iprev result. A HELO column of {@code "a > b"} means the client said HELO a, then
 * b; {@code null} means it sent none before MAIL FROM.
 */
class HeloTableTest {

  /** The server's own identity, for the impersonation rows. */
  static final String OUR_IP = "185.10.20.30";

  static final ZoneResolver DNS = zone();

  static ZoneResolver zone() {
    Zone z = new Zone();
    // big senders: forward-confirmed reverse DNS
    z.fcrdns("mail-wm1-f41.google.com", "209.85.128.41");
    z.fcrdns("mail-ed1-x541.google.com", "2a00:1450:4864:20::541");
    z.fcrdns("mail-db8eur05on2100.outbound.protection.outlook.com", "40.107.20.100");
    z.host("eur05-db8-obe.outbound.protection.outlook.com", "40.107.20.100");
    z.fcrdns("sonic310-21.consmr.mail.ne1.yahoo.com", "66.163.190.150");
    z.fcrdns("a8-30.smtp-out.amazonses.com", "54.240.8.30");
    z.fcrdns("o1.ptr1234.sendgrid.net", "167.89.123.45");
    z.fcrdns("mail5.atl41.mcsv.net", "198.2.128.5");
    z.fcrdns("ms11p00im-qufo17281401.me.com", "17.58.63.10");
    z.fcrdns("mx.mailbox.org", "80.241.60.212");
    z.fcrdns("mail.xn--bcher-kva.de", "85.13.160.1");
    z.b.mx("gmail.com", 5, "gmail-smtp-in.l.google.com");
    z.b.mx("yahoo.com", 1, "mta5.am0.yahoodns.net");
    // a small sender and its neighbours
    z.fcrdns("mail.example.net", "93.184.216.34");
    z.host("relay.example.net", "93.184.216.40");
    z.b.mx("example.org", 10, "mail.example.net");
    z.b.txt("nodata.example.com", "v=spf1 -all");
    z.host("v4only.example.com", "93.184.216.34");
    z.b.fail("v4only.example.com", dev.mailwarden.dns.RecordType.AAAA, DnsStatus.SERVFAIL);
    z.b.fail("servfail.example.com", DnsStatus.SERVFAIL);
    z.b.fail("timeout.example.com", DnsStatus.TIMEOUT);
    // residential and generic names
    z.fcrdns("c-73-15-22-101.hsd1.ca.comcast.net", "73.15.22.101");
    z.fcrdns("pool-71-162-45-3.nycmny.fios.verizon.net", "71.162.45.3");
    z.fcrdns("cpe-74-72-100-20.nyc.res.rr.com", "74.72.100.20");
    z.ptr("94.66.200.1", "ppp-94-66-200-1.home.otenet.gr"); // no forward record
    z.fcrdns("dslb-088-065-012-034.088.065.pools.vodafone-ip.de", "88.65.12.34");
    z.fcrdns("p5b0c1d2e.dip0.t-ipconnect.de", "91.12.29.46");
    z.fcrdns("2.1.180.79.dynamic.example-isp.net", "79.180.1.2");
    z.fcrdns("host86-150-1-2.range86-150.btcentralplus.com", "86.150.1.2");
    z.fcrdns("ip68-100-1-2.ri.ri.cox.net", "68.100.1.2");
    z.fcrdns("customer.dynamic.example-isp.com", "100.36.5.6");
    z.host("mail.example-shop.com", "100.36.5.6");
    z.fcrdns("dhcp-5-6.example-cable.net", "24.5.6.7");
    z.fcrdns("static.88-198-1-2.clients.your-server.de", "88.198.1.2");
    z.fcrdns("ec2-3-120-1-2.eu-central-1.compute.amazonaws.com", "3.120.1.2");
    z.fcrdns("mx.small-business.ie", "2001:770:1::25");
    // forgers
    z.fcrdns("vps12.cheaphost.example-vps.net", "45.67.89.10");
    z.fcrdns("mta.yahoo.com.evil-mailer.net", "45.67.89.12");
    z.ptr("45.67.89.13", "mail.outlook.com");
    z.host("mail.outlook.com", "40.107.1.1");
    // iprev corner cases
    z.ptr("5.9.1.1", "a.example.de", "mail.example.de");
    z.host("mail.example.de", "5.9.1.1");
    z.host("a.example.de", "5.9.1.200");
    List<String> twelve = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      twelve.add("n" + i + ".example.de");
    }
    z.ptr("5.9.1.2", twelve.toArray(String[]::new));
    z.host("n12.example.de", "5.9.1.2"); // the only confirming name is past the limit of ten
    z.b.fail(ReverseNames.of(InetAddresses.forString("51.15.1.1")), DnsStatus.SERVFAIL);
    z.host("relay51.example.org", "51.15.1.1");
    z.ptr("51.15.1.2", "slow.example.org");
    z.b.fail("slow.example.org", DnsStatus.TIMEOUT);
    z.host("relay52.example.org", "51.15.1.2");
    return z.b.build();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        //  case                                         client                      HELO
        //                                       findings (HELO, then iprev)
        // score   iprev           HELO outcome
        row("google, IPv4", "209.85.128.41", "mail-wm1-f41.google.com", "", 0.0, "pass", "pass"),
        row(
            "google, upper case",
            "209.85.128.41",
            "MAIL-WM1-F41.GOOGLE.COM",
            "",
            0.0,
            "pass",
            "pass"),
        row(
            "google, IPv6",
            "2a00:1450:4864:20::541",
            "mail-ed1-x541.google.com",
            "",
            0.0,
            "pass",
            "pass"),
        row(
            "google, IPv6 literal",
            "2a00:1450:4864:20::541",
            "[IPv6:2a00:1450:4864:20::541]",
            "",
            0.0,
            "pass",
            "pass"),
        row(
            "outlook, rDNS as HELO",
            "40.107.20.100",
            "mail-db8eur05on2100.outbound.protection.outlook.com",
            "",
            0.0,
            "pass",
            "pass"),
        row(
            "outlook, other own name",
            "40.107.20.100",
            "EUR05-DB8-obe.outbound.protection.outlook.com",
            "",
            0.0,
            "pass",
            "pass"),
        row(
            "yahoo",
            "66.163.190.150",
            "sonic310-21.consmr.mail.ne1.yahoo.com",
            "",
            0.0,
            "pass",
            "pass"),
        row("amazon ses", "54.240.8.30", "a8-30.smtp-out.amazonses.com", "", 0.0, "pass", "pass"),
        row("sendgrid", "167.89.123.45", "o1.ptr1234.sendgrid.net", "", 0.0, "pass", "pass"),
        row("mailchimp", "198.2.128.5", "mail5.atl41.mcsv.net", "", 0.0, "pass", "pass"),
        row("icloud", "17.58.63.10", "ms11p00im-qufo17281401.me.com", "", 0.0, "pass", "pass"),
        row("small provider", "80.241.60.212", "mx.mailbox.org", "", 0.0, "pass", "pass"),
        row("IDN as U-labels", "85.13.160.1", "mail.bücher.de", "", 0.0, "pass", "pass"),
        row("IDN as A-labels", "85.13.160.1", "MAIL.XN--BCHER-KVA.DE", "", 0.0, "pass", "pass"),
        row(
            "IPv6 small business",
            "2001:770:1::25",
            "mx.small-business.ie",
            "",
            0.0,
            "pass",
            "pass"),
        row("literal of the client", "93.184.216.34", "[93.184.216.34]", "", 0.0, "pass", "pass"),
        row("MX-only domain", "93.184.216.34", "example.org", "", 0.0, "pass", "pass"),
        row(
            "AAAA fails, A matches",
            "93.184.216.34",
            "v4only.example.com",
            "",
            0.0,
            "pass",
            "pass"),
        row(
            "same HELO twice",
            "209.85.128.41",
            "mail-wm1-f41.google.com > MAIL-WM1-F41.google.com",
            "",
            0.0,
            "pass",
            "pass"),
        // HELO names that resolve elsewhere or not at all
        row(
            "HELO resolves elsewhere",
            "93.184.216.34",
            "relay.example.net",
            "helo-mismatch",
            0.5,
            "pass",
            "neutral"),
        row(
            "HELO NXDOMAIN",
            "93.184.216.34",
            "nonexistent.example.com",
            "unresolvable",
            1.0,
            "pass",
            "neutral"),
        row(
            "HELO NODATA",
            "93.184.216.34",
            "nodata.example.com",
            "unresolvable",
            1.0,
            "pass",
            "neutral"),
        row(
            "IDN that does not resolve",
            "93.184.216.34",
            "mail.☃.com",
            "unresolvable",
            1.0,
            "pass",
            "neutral"),
        row(
            "HELO changed in session",
            "209.85.128.41",
            "mx.google.com > mail-wm1-f41.google.com",
            "helo-changed",
            1.0,
            "pass",
            "neutral"),
        // residential and generic
        row(
            "comcast, rDNS as HELO",
            "73.15.22.101",
            "c-73-15-22-101.hsd1.ca.comcast.net",
            "dynamic-helo,dynamic-rdns",
            3.0,
            "pass",
            "neutral"),
        row(
            "verizon pool, bare host name",
            "71.162.45.3",
            "user-pc",
            "not-fqdn,dynamic-rdns",
            3.0,
            "pass",
            "neutral"),
        row(
            "road runner, literal",
            "74.72.100.20",
            "[74.72.100.20]",
            "dynamic-rdns",
            1.0,
            "pass",
            "neutral"),
        row(
            "otenet, unconfirmed ppp",
            "94.66.200.1",
            "HOME-PC",
            "not-fqdn,dynamic-rdns,not-confirmed",
            4.0,
            "fail",
            "neutral"),
        row(
            "vodafone zero-padded, localhost",
            "88.65.12.34",
            "localhost",
            "local-name,dynamic-rdns",
            4.0,
            "pass",
            "neutral"),
        row(
            "t-online hex",
            "91.12.29.46",
            "p5B0C1D2E.dip0.t-ipconnect.de",
            "dynamic-helo,dynamic-rdns",
            3.0,
            "pass",
            "neutral"),
        row(
            "reversed octets, .home",
            "79.180.1.2",
            "desktop.home",
            "local-name,dynamic-rdns",
            4.0,
            "pass",
            "neutral"),
        row(
            "bt host-number",
            "86.150.1.2",
            "host86-150-1-2.range86-150.btcentralplus.com",
            "dynamic-helo,dynamic-rdns",
            3.0,
            "pass",
            "neutral"),
        row(
            "cox ip-number",
            "68.100.1.2",
            "ip68-100-1-2.ri.ri.cox.net",
            "dynamic-helo,dynamic-rdns",
            3.0,
            "pass",
            "neutral"),
        row(
            "keyword only rDNS",
            "100.36.5.6",
            "mail.example-shop.com",
            "dynamic-rdns",
            1.0,
            "pass",
            "neutral"),
        row("dhcp rDNS", "24.5.6.7", "[24.5.6.7]", "dynamic-rdns", 1.0, "pass", "neutral"),
        row(
            "hetzner static",
            "88.198.1.2",
            "static.88-198-1-2.clients.your-server.de",
            "dynamic-helo,dynamic-rdns",
            3.0,
            "pass",
            "neutral"),
        row(
            "ec2 default name",
            "3.120.1.2",
            "ec2-3-120-1-2.eu-central-1.compute.amazonaws.com",
            "dynamic-helo,dynamic-rdns",
            3.0,
            "pass",
            "neutral"),
        row(
            "ec2 internal name",
            "3.120.1.2",
            "ip-172-31-1-2.ec2.internal",
            "local-name,dynamic-rdns",
            4.0,
            "pass",
            "neutral"),
        row(
            "bare IP, no PTR",
            "73.15.22.102",
            "73.15.22.102",
            "bare-ip,no-ptr",
            4.0,
            "permerror",
            "neutral"),
        // address literals and bare addresses
        row(
            "bare IPv6 of the client",
            "2a00:1450:4864:20::541",
            "2a00:1450:4864:20::541",
            "bare-ip",
            2.5,
            "pass",
            "neutral"),
        row(
            "bare IP of another host",
            "93.184.216.34",
            "8.8.8.8",
            "bare-ip,literal-mismatch",
            4.0,
            "pass",
            "neutral"),
        row(
            "literal of another host",
            "93.184.216.34",
            "[8.8.8.8]",
            "literal-mismatch",
            1.5,
            "pass",
            "neutral"),
        row(
            "RFC 1918 literal",
            "93.184.216.34",
            "[192.168.1.10]",
            "special-address",
            3.0,
            "pass",
            "neutral"),
        row(
            "loopback literal",
            "93.184.216.34",
            "[127.0.0.1]",
            "special-address",
            3.0,
            "pass",
            "neutral"),
        row(
            "10/8 literal",
            "93.184.216.34",
            "[10.0.0.5]",
            "special-address",
            3.0,
            "pass",
            "neutral"),
        row(
            "CGNAT literal",
            "93.184.216.34",
            "[100.64.1.1]",
            "special-address",
            3.0,
            "pass",
            "neutral"),
        row(
            "TEST-NET-2 literal",
            "93.184.216.34",
            "[198.51.100.7]",
            "special-address",
            3.0,
            "pass",
            "neutral"),
        row(
            "IPv6 documentation literal",
            "2a00:1450:4864:20::541",
            "[IPv6:2001:db8::1]",
            "special-address",
            3.0,
            "pass",
            "neutral"),
        row(
            "IPv6 loopback literal",
            "2a00:1450:4864:20::541",
            "[IPv6:::1]",
            "special-address",
            3.0,
            "pass",
            "neutral"),
        row(
            "IPv6 link-local literal",
            "2a00:1450:4864:20::541",
            "[IPv6:fe80::1]",
            "special-address",
            3.0,
            "pass",
            "neutral"),
        row(
            "our own address",
            "93.184.216.34",
            "[" + OUR_IP + "]",
            "impersonation",
            5.0,
            "pass",
            "neutral"),
        row(
            "our own name",
            "93.184.216.34",
            "mx.warden-test.org",
            "impersonation",
            5.0,
            "pass",
            "neutral"),
        row(
            "a name in our domain",
            "93.184.216.34",
            "anything.warden-test.org",
            "impersonation",
            5.0,
            "pass",
            "neutral"),
        // syntax
        row("octet over 255", "93.184.216.34", "[300.1.1.1]", "invalid", 4.0, "pass", "neutral"),
        row(
            "unterminated literal",
            "93.184.216.34",
            "[192.0.2.1",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row("unknown literal tag", "93.184.216.34", "[foo:bar]", "invalid", 4.0, "pass", "neutral"),
        row(
            "bad IPv6 literal",
            "93.184.216.34",
            "[IPv6:2a00:zz::1]",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row(
            "underscore",
            "93.184.216.34",
            "mail_server.example.com",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row(
            "leading hyphen",
            "93.184.216.34",
            "-bad.example.com",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row("empty label", "93.184.216.34", "mail..example.com", "invalid", 4.0, "pass", "neutral"),
        row(
            "label of 64 octets",
            "93.184.216.34",
            "a".repeat(64) + ".example.com",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row(
            "name of 256 octets",
            "93.184.216.34",
            ("a".repeat(62) + ".").repeat(4) + "info",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row(
            "trailing dot",
            "93.184.216.34",
            "mail.example.net.",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row(
            "white space inside",
            "93.184.216.34",
            "mail example.net",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row("empty argument", "93.184.216.34", "", "invalid", 4.0, "pass", "neutral"),
        row(
            "all-numeric top label",
            "93.184.216.34",
            "123.456.789.0",
            "invalid",
            4.0,
            "pass",
            "neutral"),
        row("no HELO at all", "93.184.216.34", null, "missing", 3.0, "pass", "neutral"),
        // names that are not public
        row("single label", "93.184.216.34", "mailserver", "not-fqdn", 2.0, "pass", "neutral"),
        row(
            "localhost.localdomain",
            "93.184.216.34",
            "localhost.localdomain",
            "local-name",
            3.0,
            "pass",
            "neutral"),
        row(".local", "93.184.216.34", "server.local", "local-name", 3.0, "pass", "neutral"),
        row(".lan", "93.184.216.34", "mail.lan", "local-name", 3.0, "pass", "neutral"),
        row(
            "reserved .example TLD",
            "93.184.216.34",
            "mail.example",
            "no-registrable-domain",
            2.0,
            "pass",
            "neutral"),
        row(
            ".invalid",
            "93.184.216.34",
            "host.invalid",
            "no-registrable-domain",
            2.0,
            "pass",
            "neutral"),
        row(
            "a public suffix itself",
            "93.184.216.34",
            "co.uk",
            "no-registrable-domain",
            2.0,
            "pass",
            "neutral"),
        // big-provider forgery
        row(
            "gmail.com from a VPS",
            "45.67.89.10",
            "gmail.com",
            "provider-forgery",
            5.0,
            "pass",
            "neutral"),
        row(
            "google name, no PTR",
            "45.67.89.11",
            "mail-wm1-f41.google.com",
            "helo-mismatch,provider-forgery,no-ptr",
            7.0,
            "permerror",
            "neutral"),
        row(
            "yahoo look-alike rDNS",
            "45.67.89.12",
            "yahoo.com",
            "provider-forgery",
            5.0,
            "pass",
            "neutral"),
        row(
            "outlook PTR not confirmed",
            "45.67.89.13",
            "outlook.com",
            "unresolvable,provider-forgery,not-confirmed",
            7.0,
            "fail",
            "neutral"),
        // DNS trouble and iprev limits
        row("HELO SERVFAIL", "93.184.216.34", "servfail.example.com", "", 0.0, "pass", "temperror"),
        row("HELO TIMEOUT", "93.184.216.34", "timeout.example.com", "", 0.0, "pass", "temperror"),
        row("PTR SERVFAIL", "51.15.1.1", "relay51.example.org", "", 0.0, "temperror", "temperror"),
        row("PTR name times out", "51.15.1.2", "relay52.example.org", "", 0.0, "temperror", "pass"),
        row("second PTR name confirms", "5.9.1.1", "mail.example.de", "", 0.0, "pass", "pass"),
        row(
            "only the 12th PTR name confirms",
            "5.9.1.2",
            "n12.example.de",
            "not-confirmed",
            1.0,
            "fail",
            "pass"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void findingsAndScore(Case c) {
    MailWarden warden =
        MailWarden.builder(TestRuntime.of(DNS))
            .check(Iprev.check())
            .check(
                Helo.builder()
                    .localNames("mx.warden-test.org", ".warden-test.org")
                    .localAddresses(InetAddresses.forString(OUR_IP))
                    .build())
            .shortCircuit(false)
            .rejectAt(1000)
            .build();
    Evaluation ev = warden.evaluateAndWait(c.session());

    HeloResult helo = ev.result(Helo.KEY).orElseThrow();
    IprevResult iprev = ev.result(Iprev.KEY).orElseThrow();
    List<String> found = new ArrayList<>();
    helo.findings().forEach(f -> found.add(f.type().token()));
    iprev.findings().forEach(f -> found.add(f.type().token()));

    assertThat(String.join(",", found))
        .as("findings; helo: %s; iprev: %s", helo, iprev)
        .isEqualTo(c.findings());
    assertThat(HeloWeights.perFinding().score(helo) + HeloWeights.perFinding().score(iprev))
        .as("score")
        .isCloseTo(c.score(), within(1e-9));
    assertThat(ev.score()).as("evaluation score").isCloseTo(c.score(), within(1e-9));
    assertThat(iprev.outcome().token()).as("iprev").isEqualTo(c.iprev());
    assertThat(helo.outcome().token()).as("helo outcome: %s", helo).isEqualTo(c.heloOutcome());
    for (Finding f : helo.findings()) {
      assertThat(f.reason()).as("reason of %s", f.type()).isNotBlank();
      assertThat(f.rejects()).as("lenient never rejects").isFalse();
    }
  }

  record Case(
      String client, String helo, String findings, double score, String iprev, String heloOutcome) {
    MailSession session() {
      MailSession.Builder b =
          MailSession.builder().clientIp(InetAddresses.forString(client)).mailFrom("a@example.com");
      if (helo != null) {
        for (String h : helo.split(" > ", -1)) {
          b.helo(h);
        }
      }
      return b.build();
    }
  }

  static Arguments row(
      String name,
      String client,
      String helo,
      String findings,
      double score,
      String iprev,
      String heloOutcome) {
    return Arguments.of(
        Named.of(name, new Case(client, helo, findings, score, iprev, heloOutcome)));
  }

  /** Zone-building shorthand: forward and reverse records in one line. */
  static final class Zone {
    final ZoneResolver.Builder b = ZoneResolver.builder();

    void host(String name, String ip) {
      b.address(name, ip);
    }

    void ptr(String ip, String... names) {
      for (String n : names) {
        b.ptr(ReverseNames.of(InetAddresses.forString(ip)), n);
      }
    }

    void fcrdns(String name, String ip) {
      host(name, ip);
      ptr(ip, name);
    }
  }
}
