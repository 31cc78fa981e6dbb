package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LimitTest {

  @ParameterizedTest
  @CsvSource({
    "100/1h, 100, PT1H",
    "1000/1d, 1000, PT24H",
    "10/1m, 10, PT1M",
    "5/30s, 5, PT30S",
    "50/h, 50, PT1H",
    "2/500ms, 2, PT0.5S",
    "7/1w, 7, PT168H",
    "' 3 / 2 H ', 3, PT2H",
    "100/PT1H, 100, PT1H",
    "60/1min, 60, PT1M"
  })
  void parse_acceptsCountSlashPeriod(String text, long capacity, String period) {
    Limit l = Limit.parse(text);
    assertThat(l.capacity()).isEqualTo(capacity);
    assertThat(l.period()).isEqualTo(Duration.parse(period));
    assertThat(l.refill()).isEqualTo(Limit.Refill.GREEDY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "100",
        "100/",
        "/1h",
        "x/1h",
        "100/1y",
        "100/0h",
        "0/1h",
        "-1/1h",
        "100/1h/2",
        "100/PTxx",
        "1099511627777/1h"
      })
  void parse_rejectsWhatIsNotALimit(String text) {
    assertThatThrownBy(() -> Limit.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text.isEmpty() ? "limit" : "");
  }

  @Test
  void parse_errorNamesTheTextAndTheExpectedForm() {
    assertThatThrownBy(() -> Limit.parse("lots/1h"))
        .hasMessageContaining("'lots/1h'")
        .hasMessageContaining("100/1h");
  }

  @Test
  void ofPer_buildsTheSameLimitAsParse() {
    assertThat(Limit.of(100).per(Duration.ofHours(1))).isEqualTo(Limit.parse("100/1h"));
    assertThat(Limit.of(100).per(Duration.ofHours(1)).hashCode())
        .isEqualTo(Limit.parse("100/60m").hashCode());
  }

  @Test
  void toString_isTheParseableForm() {
    assertThat(Limit.parse("1000/24h")).hasToString("1000/1d");
    assertThat(Limit.parse("10/90s")).hasToString("10/90s");
    assertThat(Limit.parse("10/1m").intervally()).hasToString("10/1m interval");
    for (String s : new String[] {"100/1h", "1000/1d", "10/1m", "2/500ms", "3/1w"}) {
      assertThat(Limit.parse(Limit.parse(s).toString())).isEqualTo(Limit.parse(s));
    }
  }

  @Test
  void bounds_areChecked() {
    assertThat(Limit.of(Limit.MAX_CAPACITY).per(Duration.ofSeconds(1)).capacity())
        .isEqualTo(1L << 40);
    assertThatThrownBy(() -> Limit.of(Limit.MAX_CAPACITY + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Limit.of(1).per(Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Limit.of(1).per(Duration.ofDays(36_501)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void intervally_changesOnlyTheRefill() {
    Limit l = Limit.parse("10/1m").intervally();
    assertThat(l.refill()).isEqualTo(Limit.Refill.INTERVAL);
    assertThat(l).isNotEqualTo(Limit.parse("10/1m"));
    assertThat(l.greedily()).isEqualTo(Limit.parse("10/1m"));
  }
}
