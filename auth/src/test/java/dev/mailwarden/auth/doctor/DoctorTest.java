package dev.mailwarden.auth.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import dev.mailwarden.dns.DnsResolver;
import dev.mailwarden.dns.DnsStatus;
import dev.mailwarden.dns.RecordType;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.dnsbl.Dnsbl;
import dev.mailwarden.testing.TestRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The doctor over {@link ZoneResolver} zones: one scenario per code with a good and a bad twin
 * ({@link DoctorZones}), each asserting the exact set of codes; DNS trouble and hangs; the hostile
 * SPF trees.
 */
class DoctorTest {
  static DoctorZones zones;
  static ZoneResolver dns;

  @BeforeAll
  static void zones() {
    zones = DoctorZones.contract();
    ZoneResolver.Builder b = ZoneResolver.builder();
    zones.zones().values().forEach(b::zone);
    dns = b.build();
  }

  static Stream<DoctorZones.Scenario> scenarios() {
    return DoctorZones.contract().scenarios.stream();
  }

  static DoctorRequest request(DoctorZones.Scenario s) {
    DoctorRequest.Builder r = DoctorRequest.builder(s.domain()).ip(InetAddresses.forString(s.ip()));
    if (s.helo != null) {
      r.helo(s.helo);
    }
    s.selectors.forEach(r::selector);
    return r.build();
  }

  static DoctorReport examine(DnsResolver resolver, DoctorRequest request) throws Exception {
    return Doctor.builder(TestRuntime.of(resolver))
        .build()
        .examine(request)
        .get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario_givesExactlyItsCodes(DoctorZones.Scenario s) throws Exception {
    // the scenarios of a fresh contract() use the same domains and addresses as the shared zones
    DoctorReport report = examine(dns, request(s));
    assertThat(report.codes()).as(report.lines().toString()).isEqualTo(s.expected);
    for (DoctorFinding f : report.findings()) {
      assertThat(f.message()).isNotBlank().doesNotContain("\n");
      assertThat(f.severity() == Severity.INFO || !f.fix().isBlank()).as(f.toString()).isTrue();
    }
  }

  private static DoctorZones.Scenario named(String prefix) {
    return zones.scenarios.stream()
        .filter(s -> s.name.startsWith(prefix))
        .findFirst()
        .orElseThrow();
  }

  private static DoctorFinding only(DoctorReport r, String code) {
    List<DoctorFinding> f = r.findings().stream().filter(x -> x.code().equals(code)).toList();
    assertThat(f).as(r.lines().toString()).hasSize(1);
    return f.get(0);
  }

  @Test
  void dkimKeyWeak_1024Warns_512Errs() throws Exception {
    assertThat(
            only(examine(dns, request(named("dkim-key-weak: 1024"))), Codes.DKIM_KEY_WEAK)
                .severity())
        .isEqualTo(Severity.WARNING);
    DoctorFinding error =
        only(examine(dns, request(named("dkim-key-weak: 512"))), Codes.DKIM_KEY_WEAK);
    assertThat(error.severity()).isEqualTo(Severity.ERROR);
    assertThat(error.message()).contains("512 bits");
  }

  @Test
  void permissiveAll_plusErrs_questionWarns() throws Exception {
    assertThat(
            only(examine(dns, request(named("spf-permissive-all: +all"))), Codes.SPF_PERMISSIVE_ALL)
                .severity())
        .isEqualTo(Severity.ERROR);
    assertThat(
            only(examine(dns, request(named("spf-permissive-all: ?all"))), Codes.SPF_PERMISSIVE_ALL)
                .severity())
        .isEqualTo(Severity.WARNING);
  }

  @Test
  void listed_pbl_explainsTheIspAndRemoval() throws Exception {
    DoctorFinding f = only(examine(dns, request(named("listed: PBL"))), Codes.LISTED);
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.message()).contains("zen.spamhaus.org").contains("PBL").contains("ISP");
    assertThat(f.fix()).contains("https://check.spamhaus.org/").contains("ask");
  }

  @Test
  void listed_sbl_namesTheList() throws Exception {
    DoctorFinding f = only(examine(dns, request(named("listed: SBL"))), Codes.LISTED);
    assertThat(f.message()).contains("SBL").contains("127.0.0.2");
  }

  @Test
  void tooManyLookups_countsTheWorstCaseOverIncludes() throws Exception {
    DoctorFinding f =
        only(
            examine(dns, request(named("spf-too-many-lookups: 12 over two includes"))),
            Codes.SPF_TOO_MANY_LOOKUPS);
    assertThat(f.message()).contains("12 DNS-querying terms");
    DoctorFinding voids =
        only(
            examine(dns, request(named("spf-too-many-lookups: 3 void"))),
            Codes.SPF_TOO_MANY_LOOKUPS);
    assertThat(voids.message()).contains("3 void lookups");
  }

  @Test
  void tooManyLookups_loop_isNamed() throws Exception {
    DoctorFinding f =
        only(
            examine(dns, request(named("spf-too-many-lookups (hostile): include loop"))),
            Codes.SPF_TOO_MANY_LOOKUPS);
    assertThat(f.message()).contains("include loop").contains("l1.").contains("l2.");
  }

  @Test
  void tooManyLookups_wideTree_isCappedAndBoundedInQueries() throws Exception {
    DoctorZones.Scenario s = named("spf-too-many-lookups (hostile): wide tree");
    ZoneResolver.Builder b = ZoneResolver.builder();
    zones.zones().values().forEach(b::zone);
    ZoneResolver counting = b.build();
    DoctorReport r = examine(counting, request(s));
    assertThat(only(r, Codes.SPF_TOO_MANY_LOOKUPS).message()).contains("at least");
    // 10^6 include paths, but each of the 8 records is fetched once and the count stops at the cap
    long spfQueries = counting.queries().stream().filter(q -> q.startsWith("w")).count();
    assertThat(spfQueries)
        .isLessThanOrEqualTo(7 * 2); // the tree walk and at most the real check once each
    assertThat(r.dnsQueries()).isLessThan(60);
  }

  @Test
  void dnsError_servfail_isAFindingNotAnAllClear() throws Exception {
    DoctorZones.Scenario s = named("healthy");
    ZoneResolver.Builder b = ZoneResolver.builder();
    zones.zones().values().forEach(b::zone);
    b.fail("_dmarc." + s.domain(), DnsStatus.SERVFAIL);
    DoctorReport r = examine(b.build(), request(s));
    assertThat(r.codes()).containsExactly(Codes.DNS_ERROR);
    assertThat(only(r, Codes.DNS_ERROR).message())
        .contains("_dmarc." + s.domain())
        .contains("SERVFAIL");
    assertThat(r.hasErrors()).isTrue();
  }

  @Test
  void dnsError_spfTimeout_isNotSpfMissing() throws Exception {
    DoctorZones.Scenario s = named("healthy");
    ZoneResolver.Builder b = ZoneResolver.builder();
    zones.zones().values().forEach(b::zone);
    b.fail(s.domain(), RecordType.TXT, DnsStatus.TIMEOUT);
    DoctorReport r = examine(b.build(), request(s));
    assertThat(r.codes()).containsExactly(Codes.DNS_ERROR);
  }

  @Test
  void dnsError_hangingLookups_reportedAtTheDeadline() throws Exception {
    DoctorZones.Scenario s = named("healthy");
    ZoneResolver.Builder b = ZoneResolver.builder();
    zones.zones().values().forEach(b::zone);
    b.hang("s1._domainkey." + s.domain());
    b.hang(s.k + ".2.0.192.in-addr.arpa");
    Doctor doctor =
        Doctor.builder(TestRuntime.of(b.build())).deadline(Duration.ofMillis(300)).build();
    long start = System.nanoTime();
    DoctorReport r = doctor.examine(request(s)).get(5, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(r.codes()).containsExactly(Codes.DNS_ERROR);
    assertThat(r.lines().toString()).contains("DKIM").contains("reverse DNS");
  }

  @Test
  void dnsError_resolverThatNeverAnswers_neverGivesAnAllClear() throws Exception {
    DnsResolver silent = (name, type) -> new java.util.concurrent.CompletableFuture<>();
    Doctor doctor = Doctor.builder(TestRuntime.of(silent)).deadline(Duration.ofMillis(200)).build();
    DoctorReport r = doctor.examine(request(named("healthy"))).get(5, TimeUnit.SECONDS);
    assertThat(r.codes()).containsExactly(Codes.DNS_ERROR);
    assertThat(r.findings())
        .hasSizeGreaterThanOrEqualTo(5); // every part: reverse DNS, lists, SPF, DKIM, DMARC, MX
  }

  @Test
  void brokenResolver_isADnsErrorNotAnException() throws Exception {
    DnsResolver broken =
        (name, type) -> {
          throw new IllegalStateException("boom");
        };
    DoctorReport r = examine(broken, request(named("healthy")));
    assertThat(r.codes()).containsExactly(Codes.DNS_ERROR);
  }

  @Test
  void dmarc_subdomainInheritsTheOrganisationalPolicy() throws Exception {
    ZoneResolver z =
        ZoneResolver.builder()
            .zone(
                """
        $ORIGIN example.org.
        @ 300 IN SOA ns.example.org. h.example.org. 1 3600 600 86400 300
        _dmarc IN TXT "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.org"
        sub IN TXT "v=spf1 ip4:192.0.2.77 -all"
        sub IN MX 10 mail.sub.example.org.
        mail.sub IN A 192.0.2.77
        """)
            .zone("77.2.0.192.in-addr.arpa. 300 IN PTR mail.sub.example.org.")
            .build();
    DoctorReport r =
        Doctor.builder(TestRuntime.of(z))
            .noDnsbl()
            .build()
            .examine("sub.example.org", InetAddresses.forString("192.0.2.77"))
            .get(10, TimeUnit.SECONDS);
    assertThat(r.codes()).containsExactlyInAnyOrder(Codes.DMARC_P_NONE, Codes.DKIM_NOT_CHECKED);
    assertThat(only(r, Codes.DMARC_P_NONE).message()).contains("sp/p of example.org");
  }

  @Test
  void severalAddresses_eachIsChecked() throws Exception {
    DoctorZones.Scenario s = named("healthy");
    DoctorRequest r =
        DoctorRequest.builder(s.domain())
            .ip(InetAddresses.forString(s.ip()))
            .ip(InetAddresses.forString("198.51.100.200"))
            .helo(s.helo)
            .selector("s1")
            .build();
    DoctorReport report = examine(dns, r);
    // the second address has no PTR, is not in SPF, and the HELO name does not resolve to it
    assertThat(report.codes())
        .containsExactlyInAnyOrder(
            Codes.PTR_MISSING, Codes.SPF_IP_NOT_AUTHORIZED, Codes.HELO_MISMATCH);
    assertThat(only(report, Codes.PTR_MISSING).message()).startsWith("198.51.100.200 ");
    assertThat(only(report, Codes.SPF_IP_NOT_AUTHORIZED).message()).contains("198.51.100.200");
  }

  @Test
  void report_isImmutableAndReadable() throws Exception {
    DoctorReport r = examine(dns, request(named("spf-missing")));
    assertThatThrownBy(() -> r.findings().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(r.worst()).contains(Severity.ERROR);
    assertThat(r.findings(Severity.ERROR)).hasSize(1);
    assertThat(r.toString()).contains(r.findings().get(0).code());
    assertThat(r.lines().get(0))
        .startsWith("error spf-missing: ")
        .contains("fix: Publish one TXT record");
    assertThat(r.domain()).isEqualTo(named("spf-missing").domain());
    assertThat(r.dnsQueries()).isPositive();
  }

  @Test
  void healthy_isAnAllClear() throws Exception {
    DoctorReport r = examine(dns, request(named("healthy")));
    assertThat(r.findings()).isEmpty();
    assertThat(r.worst()).isEmpty();
    assertThat(r.hasErrors()).isFalse();
  }

  @Test
  void builders_failFastWhenMisused() {
    assertThatThrownBy(() -> Doctor.builder(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("runtime");
    assertThatThrownBy(
            () ->
                Doctor.builder(TestRuntime.of(dns))
                    .deadline(Duration.ofSeconds(1))
                    .deadline(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Doctor.builder(TestRuntime.of(dns)).deadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                Doctor.builder(TestRuntime.of(dns)).dnsbl(dev.mailwarden.dnsbl.Rhsbl.spamhausDbl()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DoctorRequest.builder("example.com").build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> DoctorRequest.builder("not a domain"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DoctorRequest.builder("localhost"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DoctorRequest.builder("example.com").selector("a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DoctorFinding(Severity.INFO, " ", "m", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Doctor.builder(TestRuntime.of(dns)).build().lists())
        .containsExactly(Dnsbl.spamhausZen());
    assertThat(
            DoctorRequest.builder("Bücher.Example.")
                .ip(InetAddresses.forString("192.0.2.1"))
                .build()
                .domain())
        .isEqualTo("xn--bcher-kva.example");
  }

  @Test
  void codes_areDistinctAndLowerCaseWithHyphens() {
    assertThat(Set.copyOf(Codes.ALL)).hasSameSizeAs(Codes.ALL);
    assertThat(Codes.ALL).allMatch(c -> c.matches("[a-z0-9]+(-[a-z0-9]+)*"));
  }
}
