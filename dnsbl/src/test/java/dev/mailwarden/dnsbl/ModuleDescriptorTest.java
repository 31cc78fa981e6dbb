package dev.mailwarden.dnsbl;

import static dev.mailwarden.testing.ModuleEncapsulation.assertOnlyApiExported;
import static dev.mailwarden.testing.ModuleEncapsulation.descriptorOf;
import static dev.mailwarden.testing.ModuleEncapsulation.qualifiedExports;
import static dev.mailwarden.testing.ModuleEncapsulation.requiresModifiers;
import static dev.mailwarden.testing.ModuleEncapsulation.unqualifiedExports;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires.Modifier;
import org.junit.jupiter.api.Test;

/** What dev.mailwarden.dnsbl exports: its API, never dev.mailwarden.dnsbl.internal. */
class ModuleDescriptorTest {
  private final ModuleDescriptor dnsbl = descriptorOf(Dnsbl.class);

  @Test
  void exportsExactlyTheApiPackages() {
    assertThat(dnsbl.name()).isEqualTo("dev.mailwarden.dnsbl");
    assertOnlyApiExported(dnsbl);
    assertThat(unqualifiedExports(dnsbl))
        .containsExactly("dev.mailwarden.dnsbl", "dev.mailwarden.dnsbl.metrics");
    assertThat(dnsbl.packages()).contains("dev.mailwarden.dnsbl.internal");
    assertThat(qualifiedExports(dnsbl)).isEmpty();
  }

  @Test
  void coreIsTransitive_micrometerOptional() {
    assertThat(requiresModifiers(dnsbl, "dev.mailwarden.core"))
        .containsExactly(Modifier.TRANSITIVE);
    assertThat(requiresModifiers(dnsbl, "micrometer.core")).containsExactly(Modifier.STATIC);
  }
}
