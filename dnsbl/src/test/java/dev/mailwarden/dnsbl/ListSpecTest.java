package dev.mailwarden.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Postscreen syntax: parsed into the same objects the fluent API builds; clear errors. */
class ListSpecTest {

  @Test
  void range_equalsTheFluentList() {
    assertThat(Dnsbl.parse("zen.spamhaus.org=127.0.0.[2..11]"))
        .isEqualTo(Dnsbl.list("zen.spamhaus.org").codes("127.0.0.[2..11]"));
  }

  @Test
  void severalPatterns_equalTheFluentList() {
    DnsList parsed = Dnsbl.parse("bl.example=127.0.0.4;127.0.0.10");
    assertThat(parsed).isEqualTo(Dnsbl.list("bl.example").codes("127.0.0.4;127.0.0.10"));
    assertThat(parsed.filter().matches("127.0.0.4")).isTrue();
    assertThat(parsed.filter().matches("127.0.0.10")).isTrue();
    assertThat(parsed.filter().matches("127.0.0.5")).isFalse();
  }

  @Test
  void weightSuffix_isRefused_pointingToTheRegistration() {
    // a list carries codes; a weight (and postscreen's negative-weight allowlist) is registration's
    for (String spec : new String[] {"list.dnswl.example*-2", "bl.example*2"}) {
      assertThatThrownBy(() -> Dnsbl.parse(spec))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("position " + spec.indexOf('*'))
          .hasMessageContaining("DnsblWeights");
      assertThatThrownBy(() -> Dnswl.parse(spec)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(Dnswl.parse("list.dnswl.example").isAllowlist()).isTrue();
    assertThat(Dnsbl.parse("list.dnswl.example").isAllowlist()).isFalse();
  }

  @Test
  void bareZone_acceptsAnyCode() {
    DnsList l = Dnsbl.parse("bl.example");
    assertThat(l.filter().isAny()).isTrue();
    assertThat(l.filter().matches("127.0.0.77")).isTrue();
  }

  @Test
  void trailingDotAndCase_areNormalized() {
    assertThat(Dnsbl.parse("BL.Example.=127.0.0.2")).isEqualTo(Dnsbl.parse("bl.example=127.0.0.2"));
  }

  @Test
  void bracketLists_mixNumbersAndRanges() {
    CodeFilter f = CodeFilter.parse("127.0.[0;1].[2..4;9]");
    assertThat(f.matches("127.0.1.9")).isTrue();
    assertThat(f.matches("127.0.0.3")).isTrue();
    assertThat(f.matches("127.0.2.3")).isFalse();
    assertThat(f.matches("127.0.0.5")).isFalse();
    assertThat(f.toString()).isEqualTo("127.0.[0..1].[2..4;9]");
    assertThat(CodeFilter.parse(f.toString())).isEqualTo(f);
  }

  @Test
  void toSpec_roundTrips() {
    DnsList l = Dnsbl.parse("bl.example=127.0.0.[2..11];127.0.1.2");
    assertThat(Dnsbl.parse(l.toSpec())).isEqualTo(l);
    assertThat(l.toSpec()).isEqualTo("bl.example=127.0.0.[2..11];127.0.1.2");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "bl.example=127.0.0.[2..11|position 25",
        "bl.example=127.0.0|position 18",
        "bl.example=127.0.0.256|position 19",
        "bl.example=127.0.0.[11..2]|position 24",
        "bl.example=127.0.0.x|position 19",
        "bl.example=127.0.0.2x|position 20",
        "bl.example*three|position 10",
        "bl.exa mple=127.0.0.2|position 6",
        "bl..example|position 3",
        "=127.0.0.2|position 0",
        "bl.example*2=127.0.0.2|position 10",
        "bl.example=|position 11",
      })
  void badSpecs_nameThePosition(String spec, String position) {
    assertThatThrownBy(() -> Dnsbl.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(position)
        .hasMessageContaining(
            spec.length() > 0 ? spec.substring(0, Math.min(3, spec.length())) : "");
  }

  @Test
  void presets_haveTheDocumentedCodes() {
    DnsList zen = Dnsbl.spamhausZen();
    assertThat(zen.categories())
        .containsEntry("127.0.0.2", "sbl")
        .containsEntry("127.0.0.3", "css")
        .containsEntry("127.0.0.4", "xbl")
        .containsEntry("127.0.0.7", "xbl")
        .containsEntry("127.0.0.9", "drop")
        .containsEntry("127.0.0.10", "pbl")
        .containsEntry("127.0.0.11", "pbl");
    assertThat(Rhsbl.spamhausDbl().categories())
        .containsEntry("127.0.1.2", "spam")
        .containsEntry("127.0.1.4", "phish")
        .containsEntry("127.0.1.5", "malware")
        .containsEntry("127.0.1.6", "botnet-cc")
        .containsEntry("127.0.1.102", "abused-legit-spam");
  }

  @Test
  void zoneOf253Octets_isAccepted_withOrWithoutTheFinalDot_254IsRefusedWithTheCap() {
    String zone =
        "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
    assertThat(zone).hasSize(253);
    assertThat(Dnsbl.parse(zone)).isEqualTo(Dnsbl.list(zone));
    assertThat(Dnsbl.parse(zone + ".=127.0.0.2")).isEqualTo(Dnsbl.list(zone).codes("127.0.0.2"));
    for (String spec :
        new String[] {
          zone + "d",
          zone + "d=127.0.0.2",
          " " + zone + "d",
          zone + "d*5",
          "a".repeat(100_000),
          "a".repeat(100_000) + "=127.0.0.2*5"
        }) {
      assertThatThrownBy(() -> Dnsbl.parse(spec))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "bad list spec at position 0: zone name longer than 253 octets (in '")
          .hasMessageNotContaining("a".repeat(101));
    }
    // spaces around a zone of legal length are their own error, as before
    assertThatThrownBy(() -> Dnsbl.parse(" " + zone))
        .hasMessageContaining("spaces around the zone");
  }
}
