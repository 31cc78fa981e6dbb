package dev.mailwarden.auth.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.common.net.InetAddresses;
import dev.mailwarden.dns.ZoneResolver;
import dev.mailwarden.testing.TestRuntime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole examination over hostile records: the SPF record of the domain and of an include
 * target, the DMARC record and the DKIM key record come from the fuzzer (separated by LF). The
 * examination completes, reports only known codes, never puts a line break in a message, and its
 * DNS work stays bounded however the records refer to each other. Runs over the committed seeds in
 * {@code src/test/resources/dev/mailwarden/auth/doctor/DoctorFuzzTestInputs/<method>/} in every
 * build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class DoctorFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void examine_completesWithKnownCodesAndBoundedDns(byte[] input) throws Exception {
    List<byte[]> parts = split(input, 4);
    ZoneResolver dns =
        ZoneResolver.builder()
            .txtBytes("example.com", parts.get(0))
            .txtBytes("inc.example.com", parts.get(1))
            .txtBytes("_dmarc.example.com", parts.get(2))
            .txtBytes("s1._domainkey.example.com", parts.get(3))
            .txt("other.example.com", "v=spf1 include:inc.example.com include:example.com ?all")
            .mx("example.com", 10, "mail.example.com")
            .address("mail.example.com", "192.0.2.25")
            .ptr("25.2.0.192.in-addr.arpa", "mail.example.com")
            .address("2.0.0.127.zen.spamhaus.org", "127.0.0.2")
            .build();
    DoctorReport r =
        Doctor.builder(TestRuntime.of(dns))
            .build()
            .examine(
                DoctorRequest.builder("example.com")
                    .ip(InetAddresses.forString("192.0.2.25"))
                    .helo("mail.example.com")
                    .selector("s1")
                    .build())
            .get(10, TimeUnit.SECONDS);
    for (DoctorFinding f : r.findings()) {
      assertThat(Codes.ALL.contains(f.code()) || f.code().startsWith(Codes.HELO_PREFIX))
          .as(f.code())
          .isTrue();
      assertThat(f.code()).isNotEqualTo(Codes.CHECK_FAILED);
      assertThat(f.message()).doesNotContain("\r", "\n").hasSizeLessThanOrEqualTo(600);
      assertThat(f.fix()).doesNotContain("\r", "\n");
    }
    // SPF tree: at most 40 records and 60 probes; the real check, DMARC, DKIM, MX, PTR, ZEN: a few
    // dozen
    assertThat(dns.queryCount()).isLessThan(250);
  }

  private static List<byte[]> split(byte[] input, int n) {
    List<byte[]> out = new ArrayList<>(n);
    int from = 0;
    for (int i = 0; i < input.length && out.size() < n - 1; i++) {
      if (input[i] == '\n') {
        out.add(Arrays.copyOfRange(input, from, i));
        from = i + 1;
      }
    }
    out.add(Arrays.copyOfRange(input, from, input.length));
    while (out.size() < n) {
      out.add(new byte[0]);
    }
    return out;
  }
}
