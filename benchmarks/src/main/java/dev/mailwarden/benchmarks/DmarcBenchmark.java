package dev.mailwarden.benchmarks;

import com.google.common.net.InternetDomainName;
import dev.mailwarden.CheckContext;
import dev.mailwarden.MailSession;
import dev.mailwarden.Outcome;
import dev.mailwarden.auth.dmarc.AuthResultsSource;
import dev.mailwarden.auth.dmarc.Dmarc;
import dev.mailwarden.auth.dmarc.DmarcInputs;
import dev.mailwarden.auth.dmarc.DmarcRecord;
import dev.mailwarden.auth.dmarc.DmarcResult;
import dev.mailwarden.auth.dmarc.OrganizationalDomains;
import dev.mailwarden.dns.DnsAnswer;
import dev.mailwarden.dns.DnsRecord;
import dev.mailwarden.dns.DnsResolver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * DMARC hot paths: organisational domain by Public Suffix List (our file matcher vs Guava's bundled
 * list), record parsing, and one whole evaluation against an in-memory zone (no network). The PSL
 * file is read from {@code -Dmailwarden.psl=...} (default: the shared conformance copy).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DmarcBenchmark {

  @Param({"www.example.co.uk", "a.b.c.mail.example.com", "alice.github.io"})
  public String domain;

  private OrganizationalDomains pslFile;
  private Dmarc treeWalk;
  private Dmarc psl;
  private DnsResolver zone;
  private MailSession session;

  @Setup
  public void setup() {
    Path file =
        Path.of(
            System.getProperty(
                "mailwarden.psl", "../shared/conformance/psl/public_suffix_list.dat"));
    pslFile =
        Files.isRegularFile(file)
            ? OrganizationalDomains.publicSuffixList(file)
            : OrganizationalDomains.publicSuffixList();
    DmarcInputs inputs =
        DmarcInputs.of(
            new DmarcInputs.SpfAuth("bounce.example.com", Outcome.PASS, false),
            List.of(new DmarcInputs.DkimAuth("news.example.com", Outcome.PASS, "s1")));
    treeWalk = Dmarc.builder().authResults(AuthResultsSource.fixed(inputs)).build();
    psl =
        Dmarc.builder()
            .authResults(AuthResultsSource.fixed(inputs))
            .organizationalDomains(pslFile)
            .build();
    // completed futures, no query log: measures DMARC, not the fake resolver
    DnsRecord.Txt record = DnsRecord.Txt.of("v=DMARC1; p=reject; rua=mailto:d@example.com");
    zone =
        (name, type) ->
            CompletableFuture.completedFuture(
                name.equals("_dmarc.example.com")
                    ? DnsAnswer.of(name, type, List.of(record), 300)
                    : DnsAnswer.nxdomain(name, type, 300));
    session =
        MailSession.builder()
            .mailFrom("x@bounce.example.com")
            .message(
                "From: A <a@mail.example.com>\r\nSubject: x\r\n\r\nbody\r\n"
                    .getBytes(StandardCharsets.UTF_8))
            .build();
  }

  @Benchmark
  public String orgDomain_mailwarden() {
    return pslFile.organizationalDomain(domain).orElseThrow();
  }

  @Benchmark
  public String orgDomain_guava() {
    return InternetDomainName.from(domain).topPrivateDomain().toString();
  }

  @Benchmark
  public DmarcRecord.Parsed recordParse_mailwarden() {
    return DmarcRecord.parse(
        "v=DMARC1; p=quarantine; sp=reject; adkim=s; aspf=r; pct=50; rua=mailto:a@example.com,mailto:b@example.net; fo=1");
  }

  @Benchmark
  public DmarcResult evaluatePsl_mailwarden() {
    return psl.check(CheckContext.forTesting(session, zone)).join();
  }

  @Benchmark
  public DmarcResult evaluateTreeWalk_mailwarden() {
    return treeWalk.check(CheckContext.forTesting(session, zone)).join();
  }
}
