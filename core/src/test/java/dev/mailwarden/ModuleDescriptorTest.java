package dev.mailwarden;

import static dev.mailwarden.testing.ModuleEncapsulation.assertOnlyApiExported;
import static dev.mailwarden.testing.ModuleEncapsulation.descriptorOf;
import static dev.mailwarden.testing.ModuleEncapsulation.qualifiedExports;
import static dev.mailwarden.testing.ModuleEncapsulation.requiresModifiers;
import static dev.mailwarden.testing.ModuleEncapsulation.unqualifiedExports;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires.Modifier;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What dev.mailwarden.core exports: its API, and its mail primitives to two modules only. */
class ModuleDescriptorTest {
  private final ModuleDescriptor core = descriptorOf(MailWarden.class);

  @Test
  void exportsExactlyTheApiPackages() {
    assertThat(core.name()).isEqualTo("dev.mailwarden.core");
    assertOnlyApiExported(core);
    assertThat(unqualifiedExports(core))
        .containsExactly("dev.mailwarden", "dev.mailwarden.dns", "dev.mailwarden.metrics");
  }

  @Test
  void internalPackages_areExportedOnlyToTheModulesThatUseThem() {
    assertThat(core.packages()).contains("dev.mailwarden.internal", "dev.mailwarden.dns.internal");
    assertThat(qualifiedExports(core))
        .isEqualTo(
            Map.of(
                "dev.mailwarden.internal",
                Set.of("dev.mailwarden.auth", "dev.mailwarden.dnsbl", "dev.mailwarden.ratelimit")));
  }

  @Test
  void jakartaMail_isCoresOwn_notPassedOnToReaders() {
    // MailAddresses is the only address parser; Jakarta Mail types are in no signature
    assertThat(requiresModifiers(core, "jakarta.mail")).isEmpty();
  }

  @Test
  void micrometerAndAnnotations_areNotNeededAtRunTime() {
    assertThat(requiresModifiers(core, "micrometer.core")).containsExactly(Modifier.STATIC);
    assertThat(requiresModifiers(core, "org.jspecify"))
        .containsExactlyInAnyOrder(Modifier.STATIC, Modifier.TRANSITIVE);
  }
}
