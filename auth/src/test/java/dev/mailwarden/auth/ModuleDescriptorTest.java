package dev.mailwarden.auth;

import static dev.mailwarden.testing.ModuleEncapsulation.assertOnlyApiExported;
import static dev.mailwarden.testing.ModuleEncapsulation.descriptorOf;
import static dev.mailwarden.testing.ModuleEncapsulation.qualifiedExports;
import static dev.mailwarden.testing.ModuleEncapsulation.requiresModifiers;
import static dev.mailwarden.testing.ModuleEncapsulation.unqualifiedExports;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailwarden.auth.spf.Spf;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires.Modifier;
import org.junit.jupiter.api.Test;

/** What dev.mailwarden.auth exports: its six API packages, none of their internal packages. */
class ModuleDescriptorTest {
  private final ModuleDescriptor auth = descriptorOf(Spf.class);

  @Test
  void exportsExactlyTheApiPackages() {
    assertThat(auth.name()).isEqualTo("dev.mailwarden.auth");
    assertOnlyApiExported(auth);
    assertThat(unqualifiedExports(auth))
        .containsExactly(
            "dev.mailwarden.auth.arc",
            "dev.mailwarden.auth.dkim",
            "dev.mailwarden.auth.dmarc",
            "dev.mailwarden.auth.doctor",
            "dev.mailwarden.auth.helo",
            "dev.mailwarden.auth.spf");
    assertThat(auth.packages())
        .contains("dev.mailwarden.auth.spf.internal", "dev.mailwarden.auth.dkim.internal");
    assertThat(qualifiedExports(auth)).isEmpty();
  }

  @Test
  void coreAndDnsblAreTransitive() {
    assertThat(requiresModifiers(auth, "dev.mailwarden.core")).containsExactly(Modifier.TRANSITIVE);
    // Doctor.Builder.dnsbl(DnsList)
    assertThat(requiresModifiers(auth, "dev.mailwarden.dnsbl"))
        .containsExactly(Modifier.TRANSITIVE);
  }
}
