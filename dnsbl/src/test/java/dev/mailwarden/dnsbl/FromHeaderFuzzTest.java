package dev.mailwarden.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mailwarden.dnsbl.internal.FromHeader;
import dev.mailwarden.internal.DomainNames;
import java.util.HashSet;
import java.util.List;

/**
 * The From-domain reader the RHSBL checks query with, on a hostile header block. In the normal
 * build it runs over the seeds in {@code FromHeaderFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it
 * fuzzes. It never throws, and every domain it returns is distinct and already normalized (so it is
 * safe to put in front of a list's zone).
 */
class FromHeaderFuzzTest {
  private static final String DOMAIN = "[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63})+";

  @FuzzTest(maxDuration = "30s")
  void domains_areDistinctAndNormalized(byte[] header) {
    List<String> domains = FromHeader.domains(header);
    assertThat(new HashSet<>(domains)).hasSameSizeAs(domains);
    for (String d : domains) {
      assertThat(d).matches(DOMAIN).hasSizeLessThanOrEqualTo(253);
      assertThat(DomainNames.hostName(d)).contains(d);
    }
  }
}
