package dev.mailwarden.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitSimulationTest {
  private final RateLimitSimulation sim =
      RateLimitSimulation.of(List.of(Limit.parse("10/1h"), Limit.parse("15/1d")));

  @Test
  void replay_countsPerKey_andTheFirstTrip() throws Exception {
    String csv =
        String.join(
            "\n",
            "timestamp,key,recipients",
            "# a comment",
            "2026-11-28T09:00:00Z,alice,5",
            "2026-11-28T09:10:00Z,alice,5", // hourly: 5 + 10/6 refilled, 10/6 left
            "2026-11-28T09:20:00Z,bob,1",
            "2026-11-28T09:29:00Z,alice,5", // hourly: 10/6 + 19/6 < 5: denied (at 09:30 it would be
            // exactly 5)
            "2026-11-28T10:30:00Z,alice,4", // hourly full again; daily 5.94 left: allowed
            "1795863600,alice,4", // 2026-11-28T11:00:00Z: daily 1.94 + 0.31 < 4: denied
            "",
            "2026-11-28T11:30:00+01:00,\"carol\",2");
    RateLimitSimulation.Result r = sim.run(new StringReader(csv));
    assertThat(r.events()).isEqualTo(7);
    assertThat(r.keys())
        .extracting(RateLimitSimulation.KeyStats::key)
        .containsExactly("alice", "bob", "carol");
    RateLimitSimulation.KeyStats alice = r.keys().get(0);
    assertThat(alice.allowedMessages()).isEqualTo(3);
    assertThat(alice.deniedMessages()).isEqualTo(2);
    assertThat(alice.allowedRecipients()).isEqualTo(14);
    assertThat(alice.deniedRecipients()).isEqualTo(9);
    assertThat(alice.firstTrip()).contains(Instant.parse("2026-11-28T09:29:00Z"));
    assertThat(r.keys().get(1).firstTrip()).isEmpty();
    assertThat(r.trippedKeys()).hasSize(1);
    assertThat(r.outOfOrder()).isEqualTo(1); // carol at 10:30Z after 11:00Z
    assertThat(r.toTable())
        .contains("alice")
        .contains("2026-11-28T09:29:00Z")
        .contains("7 sends, 3 keys, 1 tripped");
  }

  @Test
  void badLines_failWithTheLineNumber() {
    assertThatThrownBy(() -> sim.run(new StringReader("2026-11-28T09:00:00Z,a,1\nyesterday,a,1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("line 2:")
        .hasMessageContaining("yesterday");
    assertThatThrownBy(() -> sim.run(new StringReader("\n\n1795863600,a")))
        .hasMessageStartingWith("line 3:")
        .hasMessageContaining("3 fields");
    assertThatThrownBy(() -> sim.run(new StringReader("1795863600,a,-2")))
        .hasMessageStartingWith("line 1:")
        .hasMessageContaining("recipients");
    assertThatThrownBy(() -> sim.run(new StringReader("1795863600,,2")))
        .hasMessageContaining("empty key");
  }

  @Test
  void epochSeconds_withFractions_andLocalTimeAsUtc() {
    assertThat(RateLimitSimulation.parseTime("1795863600.25", 1))
        .isEqualTo(Instant.parse("2026-11-28T11:00:00.250Z"));
    assertThat(RateLimitSimulation.parseTime("2026-11-28T11:00:00", 1))
        .isEqualTo(Instant.parse("2026-11-28T11:00:00Z"));
  }

  @Test
  void replay_readsAFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("events.csv");
    Files.writeString(f, "1795863600,k,11\n");
    RateLimitSimulation.Result r = sim.run(f);
    assertThat(r.keys().get(0).deniedMessages()).isEqualTo(1); // 11 > capacity 10: never allowed
  }
}
