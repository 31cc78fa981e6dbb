package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenBucketClassTest {
  @Test
  void singleBucket_grantsCapacityThenRefills() {
    FakeTicker t = new FakeTicker();
    TokenBucket b = TokenBucket.of(t, Limit.parse("3/1s"), Limit.parse("5/1m"));
    assertThat(b.tryAcquire(3).remaining()).containsExactly(0L, 2L);
    assertThat(b.tryAcquire().allowed()).isFalse();
    t.advance(Duration.ofSeconds(1));
    assertThat(b.tryAcquire(3).allowed()).isFalse(); // per-minute has 2 (+0.08)
    assertThat(b.tryAcquire(2).allowed()).isTrue();
    assertThat(b).hasToString("TokenBucket[3/1s, 5/1m]");
    assertThatThrownBy(() -> b.tryAcquire(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenBucket.of(t, Limit.parse("3/1s"), Limit.parse("3/1000ms")))
        .hasMessageContaining("twice");
  }
}
