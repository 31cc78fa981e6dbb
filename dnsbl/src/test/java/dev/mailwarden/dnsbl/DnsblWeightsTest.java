package dev.mailwarden.dnsbl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DnsblWeightsTest {
  private static final DnsblWeights WEIGHTS =
      DnsblWeights.builder().list("dbl.example", 3).list("other.example", 2).build();

  private static ListResult result(String list, String subject, ListStatus status) {
    return new ListResult(
        list,
        list,
        false,
        subject,
        "from",
        subject + "." + list,
        status,
        status == ListStatus.LISTED ? List.of("127.0.1.2") : List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        "test");
  }

  @Test
  void aListListingSeveralDomains_scoresOnce_withFewAndWithManyResults() {
    for (int domains : new int[] {2, 5, 40}) {
      List<ListResult> lists = new ArrayList<>();
      lists.add(result("other.example", "x.example", ListStatus.NOT_LISTED));
      for (int i = 0; i < domains; i++) {
        lists.add(result("dbl.example", "d" + i + ".example", ListStatus.LISTED));
      }
      lists.add(result("other.example", "y.example", ListStatus.LISTED));
      assertThat(WEIGHTS.score(DnsblResult.of(lists))).as("%d domains", domains).isEqualTo(5.0);
    }
  }

  @Test
  void aListNotListed_beforeTheSameListListed_doesNotHideTheListing() {
    List<ListResult> lists =
        List.of(
            result("dbl.example", "a.example", ListStatus.NOT_LISTED),
            result("dbl.example", "b.example", ListStatus.LISTED));
    assertThat(WEIGHTS.score(DnsblResult.of(lists))).isEqualTo(3.0);
  }
}
