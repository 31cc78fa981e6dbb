package dev.mailwarden.ratelimit;

import static dev.mailwarden.testing.ModuleEncapsulation.assertOnlyApiExported;
import static dev.mailwarden.testing.ModuleEncapsulation.descriptorOf;
import static dev.mailwarden.testing.ModuleEncapsulation.qualifiedExports;
import static dev.mailwarden.testing.ModuleEncapsulation.requiresModifiers;
import static dev.mailwarden.testing.ModuleEncapsulation.unqualifiedExports;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires.Modifier;
import org.junit.jupiter.api.Test;

/** What dev.mailwarden.ratelimit exports: its API; Lettuce and Micrometer stay optional. */
class ModuleDescriptorTest {
  private final ModuleDescriptor ratelimit = descriptorOf(RateLimiter.class);

  @Test
  void exportsExactlyTheApiPackages() {
    assertThat(ratelimit.name()).isEqualTo("dev.mailwarden.ratelimit");
    assertOnlyApiExported(ratelimit);
    assertThat(unqualifiedExports(ratelimit))
        .containsExactly("dev.mailwarden.ratelimit", "dev.mailwarden.ratelimit.metrics");
    assertThat(ratelimit.packages()).contains("dev.mailwarden.ratelimit.internal");
    assertThat(qualifiedExports(ratelimit)).isEmpty();
  }

  @Test
  void lettuceAndMicrometer_areNotNeededAtRunTime() {
    assertThat(requiresModifiers(ratelimit, "lettuce.core")).containsExactly(Modifier.STATIC);
    assertThat(requiresModifiers(ratelimit, "micrometer.core")).containsExactly(Modifier.STATIC);
    assertThat(requiresModifiers(ratelimit, "dev.mailwarden.core"))
        .containsExactly(Modifier.TRANSITIVE);
  }
}
